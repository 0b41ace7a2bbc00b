package computectl.bench;

import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boot: exec of compute_ctl (with a spec file, so no prewarm) until /status answers, against exec
 * of {@code java -version} of the same image until it exits; both as the Postgres user.
 */
final class BootBench {
  private final BenchEnv env;
  private final int runs;

  BootBench(BenchEnv env, int runs) {
    this.env = env;
    this.runs = runs;
  }

  Figure run() throws IOException, InterruptedException {
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      double b = javaVersion();
      double o = bootOnce(i);
      if (i > 0) {
        base.add(b);
        ours.add(o);
      }
    }
    Figure f =
        Figure.of(
            "boot",
            "Boot: exec -> HTTP /status answered (spec file, no prewarm)",
            "ms",
            Stats.of(ours),
            "java -version of the same runtime image",
            Stats.of(base));
    return f.target("ratio <= 3", f.ratio() <= 3);
  }

  private double bootOnce(int i) throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    Path spec =
        BenchEnv.writeFile(
            "computectl-bench-spec-", "spec.json", CriticalPathBench.spec(env, node));
    try (BenchCompute cc = BenchCompute.start(env, node, spec, null, "boot-" + i)) {
      double ms = cc.awaitStatus("\"status\"", 60_000);
      cc.awaitStatus("\"status\":\"running\"", 120_000);
      cc.terminate();
      return ms;
    } finally {
      BenchEnv.deleteTree(spec.getParent());
    }
  }

  private double javaVersion() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                RunAs.command(BenchEnv.user(), List.of(env.imageJava().toString(), "-version")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("java -version of the image failed");
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
