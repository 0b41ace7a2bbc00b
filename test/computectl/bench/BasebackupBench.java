package computectl.bench;

import computectl.standin.BasebackupTar;
import computectl.standin.NeonShapedBasebackup;
import computectl.standin.PageserverStandIn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The basebackup phase alone, on two archive shapes served over the wire protocol by the stand-in:
 * today's full cluster, and a Neon-shaped one (no relation data, a 16 MiB WAL segment of zeros;
 * tens of KB gzipped), which vanilla Postgres cannot start from. Ours is a pooled compute's {@code
 * basebackup_ms} after /configure (for the Neon shape the start then fails at Postgres, which is
 * expected); the baseline is {@code psql | gunzip | tar -x} of the same archive from the same
 * stand-in. Interleaved, after an untimed warm-up pair.
 */
final class BasebackupBench {
  private final BenchEnv env;
  private final int runs;
  private final long poolIdleMillis;

  BasebackupBench(BenchEnv env, int runs, long poolIdleMillis) {
    this.env = env;
    this.runs = runs;
    this.poolIdleMillis = poolIdleMillis;
  }

  List<Figure> run() throws IOException, InterruptedException {
    List<Figure> out = new ArrayList<>();
    out.add(shape("basebackup_full", "full cluster", env.backup, env.pageserver, true));
    BasebackupTar neon = NeonShapedBasebackup.of(env.backup);
    try (PageserverStandIn ps =
        PageserverStandIn.start(0, neon).auth(PageserverStandIn.Auth.CLEARTEXT, BenchEnv.TOKEN)) {
      out.add(shape("basebackup_neon", "Neon-shaped", neon, ps, false));
    }
    return out;
  }

  private Figure shape(
      String id, String name, BasebackupTar tar, PageserverStandIn ps, boolean startable)
      throws IOException, InterruptedException {
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    long gzipBytes = -1;
    for (int i = 0; i <= runs; i++) {
      BenchNode node = BenchNode.fresh();
      String spec =
          env.spec(node).pageserverPort(ps.port()).role("alice", BenchEnv.VERIFIER).json();
      PooledRun r = PooledRun.of(env, node, spec, poolIdleMillis, false, id + "-" + i, Map.of());
      if (startable != r.isRunning() || r.metric("basebackup_ms") <= 0) {
        throw new IOException(
            name + " basebackup: /configure answered " + r.status() + " " + r.body());
      }
      double b = baselineOnce(ps.port());
      if (i > 0) {
        ours.add((double) r.metric("basebackup_ms"));
        base.add(b);
      }
      gzipBytes = r.metric("basebackup_bytes");
    }
    Figure f =
        Figure.of(
                id,
                "Basebackup phase, "
                    + name
                    + " ("
                    + kib(tar.tar().length)
                    + " KiB tar, "
                    + kib(gzipBytes)
                    + " KiB gzipped), pooled compute",
                "ms",
                Stats.of(ours),
                "psql COPY | gunzip | tar -x from the same stand-in",
                Stats.of(base))
            .detail("tar_bytes", (long) tar.tar().length)
            .detail("gzip_bytes", gzipBytes);
    return f.target("ratio <= 1.0", f.ratio() <= 1.0);
  }

  private static long kib(long bytes) {
    return bytes >> 10;
  }

  private double baselineOnce(int port) throws IOException, InterruptedException {
    Path dir = BenchEnv.runDir("computectl-bench-bb-");
    try {
      // Timed between the script's own step markers: the pipeline alone, not bash's start.
      String script =
          "set -euo pipefail\n"
              + ShellBaseline.fetch(env, port, env.backup.endLsn().toString(), dir)
              + BenchEnv.step("basebackup_ms");
      return BenchEnv.runScript(script, 300).steps().get("basebackup_ms");
    } finally {
      BenchEnv.deleteAtEnd(dir);
    }
  }
}
