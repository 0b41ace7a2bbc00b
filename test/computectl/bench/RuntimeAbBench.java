package computectl.bench;

import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two runtime images side by side (e.g. JDK 17 with its class-data archive against JDK 25 with an
 * AOT cache and compact object headers), interleaved round by round after an untimed warm-up round:
 * {@code java -version} of each, boot (exec until /status answers) and cold start (exec until
 * running) from a spec file, the pooled critical path and the memory idle in Running. The ratio
 * column is B / A.
 */
final class RuntimeAbBench {
  private final BenchEnv env;
  private final int runs;
  private final long poolIdleMillis;
  private final Side a;
  private final Side b;

  /** One image's samples. */
  private static final class Side {
    final String name;
    final Path image;
    final List<Double> javaVersion = new ArrayList<>();
    final List<Double> boot = new ArrayList<>();
    final List<Double> cold = new ArrayList<>();
    final List<Double> pooled = new ArrayList<>();
    final List<Double> rss = new ArrayList<>();
    final List<Double> anon = new ArrayList<>();

    Side(String name, Path image) {
      this.name = name;
      this.image = image;
    }

    Path launcher() {
      return image.resolve("bin/compute_ctl");
    }
  }

  RuntimeAbBench(BenchEnv env, int runs, long poolIdleMillis, Path imageA, Path imageB) {
    this.env = env;
    this.runs = runs;
    this.poolIdleMillis = poolIdleMillis;
    this.a = new Side("A " + imageA, imageA);
    this.b = new Side("B " + imageB, imageB);
  }

  List<Figure> run() throws IOException, InterruptedException {
    for (int i = 0; i <= runs; i++) {
      for (Side s : List.of(a, b)) {
        once(s, i, i > 0);
      }
    }
    List<Figure> out = new ArrayList<>();
    out.add(figure("ab_java_version", "java -version", "ms", a.javaVersion, b.javaVersion));
    out.add(figure("ab_boot", "boot: exec -> /status answered (spec file)", "ms", a.boot, b.boot));
    out.add(figure("ab_cold", "cold start: exec -> running (spec file)", "ms", a.cold, b.cold));
    out.add(figure("ab_pooled", "pooled: /configure -> Running", "ms", a.pooled, b.pooled));
    out.add(figure("ab_rss_running", "RSS idle in Running", "MiB", a.rss, b.rss));
    out.add(figure("ab_anon_running", "anonymous RSS idle in Running", "MiB", a.anon, b.anon));
    return out;
  }

  private Figure figure(String id, String what, String unit, List<Double> as, List<Double> bs) {
    return Figure.of(
        id, "Runtime A/B, " + what + ": B = " + b.name, unit, Stats.of(bs), a.name, Stats.of(as));
  }

  private void once(Side s, int i, boolean timed) throws IOException, InterruptedException {
    double version = javaVersion(s.image);
    BenchNode node = BenchNode.fresh();
    Path spec =
        BenchEnv.writeFile(
            "computectl-bench-spec-", "spec.json", CriticalPathBench.spec(env, node));
    double boot;
    double cold;
    try (BenchCompute cc =
        BenchCompute.start(s.launcher(), env, node, spec, null, "ab-cold-" + i, Map.of())) {
      boot = cc.awaitStatus("\"status\"", 60_000);
      cold = cc.awaitLogLine("Changing compute status from init to running", 120_000);
      cc.terminate();
    } finally {
      BenchEnv.deleteTree(spec.getParent());
    }
    BenchNode pooledNode = BenchNode.fresh();
    PooledRun r =
        PooledRun.of(
            s.launcher(),
            env,
            pooledNode,
            CriticalPathBench.spec(env, pooledNode),
            poolIdleMillis,
            true,
            "ab-pooled-" + i,
            Map.of());
    if (!r.isRunning()) {
      throw new IOException("/configure answered " + r.status() + " " + r.body());
    }
    if (timed) {
      s.javaVersion.add(version);
      s.boot.add(boot);
      s.cold.add(cold);
      s.pooled.add(r.configureMillis());
      s.rss.add(r.running().rssMib());
      s.anon.add(r.running().anonMib());
    }
  }

  private static double javaVersion(Path image) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                RunAs.command(
                    BenchEnv.user(), List.of(image.resolve("bin/java").toString(), "-version")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("java -version of " + image + " failed");
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
