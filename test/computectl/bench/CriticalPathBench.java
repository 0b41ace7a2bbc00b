package computectl.bench;

import com.eclipsesource.json.JsonObject;
import computectl.reconcile.ApplyMode;
import computectl.standin.ControlPlaneStandIn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Critical path: POST /configure on a pooled (Empty) compute until it answers Running, against a
 * shell doing the same work with stock tools. Also yields the pooled boot time and the memory of
 * each compute idle in Empty and in Running, which the footprint figures use.
 */
final class CriticalPathBench {
  static final String[] BREAKDOWN = {
    "sync_sk_check_ms",
    "sync_safekeepers_ms",
    "basebackup_ms",
    "start_postgres_ms",
    "config_ms",
    "total_startup_ms"
  };

  record Result(List<Figure> figures, List<Mem> empty, List<Mem> running) {}

  private final BenchEnv env;
  private final ShellBaseline shell;
  private final int runs;
  private final long poolIdleMillis;

  CriticalPathBench(BenchEnv env, int runs, long poolIdleMillis) {
    this.env = env;
    this.shell = new ShellBaseline(env);
    this.runs = runs;
    this.poolIdleMillis = poolIdleMillis;
  }

  static String spec(BenchEnv env, BenchNode node) {
    return new BenchSpec(env, node)
        .role("alice")
        .role("bob")
        .database("appdb", "alice")
        .database("bobdb", "bob")
        .json();
  }

  Result run() throws IOException, InterruptedException {
    List<Double> ours = new ArrayList<>();
    List<Double> glue = new ArrayList<>();
    List<Double> glueNoSync = new ArrayList<>();
    List<Double> boots = new ArrayList<>();
    Map<String, List<Double>> parts = new LinkedHashMap<>();
    List<Mem> empty = new ArrayList<>();
    List<Mem> running = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      BenchNode node = BenchNode.fresh();
      try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-bench");
          BenchCompute cc = BenchCompute.start(env, node, null, cp.uri(), "critical-" + i)) {
        double boot = cc.awaitStatus("\"status\":\"empty\"", 120_000);
        Thread.sleep(poolIdleMillis);
        Mem idle = Mem.of(cc.pid());
        String body =
            "{\"spec\":" + spec(env, node) + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
        long t0 = System.nanoTime();
        RawHttp.Response r = cc.post("/configure", body, 120_000);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.status() != 200 || !r.body().contains("\"status\":\"running\"")) {
          throw new IOException(
              "/configure answered " + r.status() + " " + r.body() + "\n" + cc.log());
        }
        JsonObject m = cc.metricsJson();
        Thread.sleep(poolIdleMillis);
        Mem run = Mem.of(cc.pid());
        cc.terminate();
        if (i == 0) {
          continue; // warm-up: the page cache, not the JVM, is what it warms
        }
        ours.add(ms);
        boots.add(boot);
        empty.add(idle);
        running.add(run);
        for (String k : BREAKDOWN) {
          parts.computeIfAbsent(k, x -> new ArrayList<>()).add((double) m.getLong(k, -1));
        }
        double g =
            m.getLong("total_startup_ms", 0)
                - m.getLong("basebackup_ms", 0)
                - m.getLong("start_postgres_ms", 0)
                - m.getLong("config_ms", 0);
        glue.add(g);
        glueNoSync.add(g - m.getLong("sync_safekeepers_ms", 0) - m.getLong("sync_sk_check_ms", 0));
      }
    }
    Map<String, List<Double>> baseParts = new LinkedHashMap<>();
    Stats base = Stats.of(baseline(baseParts));
    Figure critical =
        Figure.of(
            "critical_path",
            "Critical path: /configure on a pooled compute -> Running",
            "ms",
            Stats.of(ours),
            "shell: sync-safekeepers shim, psql COPY | gunzip | tar -x, cp config, pg_ctl start -w,"
                + " psql -f",
            base);
    critical = critical.target("ratio <= 0.8", critical.ratio() <= 0.8);
    for (Map.Entry<String, List<Double>> e : parts.entrySet()) {
      critical = critical.detail(e.getKey(), Stats.of(e.getValue()).median());
    }
    for (Map.Entry<String, List<Double>> e : baseParts.entrySet()) {
      critical = critical.detail("baseline_" + e.getKey(), Stats.of(e.getValue()).median());
    }
    Stats glueStats = Stats.of(glue);
    Figure glueFig =
        new Figure(
                "own_glue",
                "Our own glue: total_startup_ms - basebackup - Postgres start - spec SQL",
                "ms",
                glueStats,
                null,
                null,
                "<= 15 ms",
                glueStats.median() <= 15,
                Map.of())
            .detail("glue_without_sync_safekeepers_ms", Stats.of(glueNoSync).median());
    Figure pooledBoot =
        new Figure(
            "boot_pooled",
            "Boot of a pooled compute: exec -> /status answers empty (includes prewarm)",
            "ms",
            Stats.of(boots),
            null,
            null,
            null,
            null,
            Map.of());
    return new Result(List.of(critical, glueFig, pooledBoot), empty, running);
  }

  private List<Double> baseline(Map<String, List<Double>> parts)
      throws IOException, InterruptedException {
    Path sql = planSql();
    List<Double> times = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      BenchNode node = BenchNode.fresh();
      try {
        Path conf = shell.configFile(node, spec(env, node));
        BenchEnv.ScriptRun run =
            BenchEnv.runScript(shell.prepareAndStart(node, conf) + shell.psqlFile(node, sql), 300);
        if (i > 0) {
          times.add(run.millis());
          run.steps().forEach((k, v) -> parts.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
      } finally {
        shell.stop(node);
        BenchEnv.deleteTree(node.dir());
      }
    }
    return times;
  }

  /** The statements compute_ctl runs for this spec on a fresh compute, planned on a scratch one. */
  private Path planSql() throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    try {
      Path conf = shell.configFile(node, spec(env, node));
      BenchEnv.timeScript(shell.prepareAndStart(node, conf), 300);
      String sql =
          PlanScript.toSql(
              PlanScript.plan(node.connstr(), spec(env, node), ApplyMode.STARTUP), "postgres");
      return BenchEnv.writeFile("computectl-bench-sql-", "critical.sql", sql);
    } finally {
      shell.stop(node);
      BenchEnv.deleteTree(node.dir());
    }
  }
}
