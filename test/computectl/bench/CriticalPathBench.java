package computectl.bench;

import com.eclipsesource.json.JsonObject;
import computectl.reconcile.ApplyMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The critical path, two ways, against one shell doing the same work with stock tools: POST
 * /configure on a pooled (Empty) compute until it answers Running, and a cold start from a spec
 * file, exec until /status says running. Each run is a pooled start, a cold start and a shell run
 * back to back (interleaved, so that the machine's load hits all sides alike), after one untimed
 * warm-up round. Also yields the pooled boot time and the memory idle in Empty and in Running,
 * which the footprint figures use.
 */
final class CriticalPathBench {
  /** compute_ctl's phases (/metrics.json) reported for both ways of starting. */
  static final String[] PHASES = {
    "sync_sk_check_ms",
    "sync_safekeepers_ms",
    "basebackup_ms",
    "start_postgres_ms",
    "config_ms",
    "total_startup_ms"
  };

  static final String SHELL =
      "shell: sync-safekeepers shim, psql COPY | gunzip | tar -x, cp config, pg_ctl start -w,"
          + " psql -f";

  record Result(List<Figure> figures, List<Mem> empty, List<Mem> running) {}

  private final BenchEnv env;
  private final ShellBaseline shell;
  private final int runs;
  private final long poolIdleMillis;
  private final boolean pooled;
  private final boolean cold;
  private final boolean withoutWarmup;

  private final Samples pooledSamples = new Samples();
  private final Samples coldSamples = new Samples();
  private final Samples noWarmupSamples = new Samples();
  private final Samples shellSamples = new Samples();
  private final List<Double> boots = new ArrayList<>();
  private final List<Mem> empty = new ArrayList<>();
  private final List<Mem> running = new ArrayList<>();

  /** Totals and named phases of one side, in the order taken. */
  private static final class Samples {
    final List<Double> totals = new ArrayList<>();
    final Map<String, List<Double>> phases = new LinkedHashMap<>();

    void add(double total, Map<String, Double> parts) {
      totals.add(total);
      parts.forEach((k, v) -> phases.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    Figure withPhases(Figure f, String prefix) {
      for (Map.Entry<String, List<Double>> e : phases.entrySet()) {
        f = f.detail(prefix + e.getKey(), Stats.of(e.getValue()).median());
      }
      return f;
    }
  }

  /**
   * @param withoutWarmup adds a pooled compute without the warm-up in Empty to every round
   */
  CriticalPathBench(
      BenchEnv env,
      int runs,
      long poolIdleMillis,
      boolean pooled,
      boolean cold,
      boolean withoutWarmup) {
    this.env = env;
    this.shell = new ShellBaseline(env);
    this.runs = runs;
    this.poolIdleMillis = poolIdleMillis;
    this.pooled = pooled;
    this.cold = cold;
    this.withoutWarmup = withoutWarmup;
  }

  static String spec(BenchEnv env, BenchNode node) {
    return env.spec(node)
        .role("alice", BenchEnv.VERIFIER)
        .role("bob", BenchEnv.VERIFIER)
        .database("appdb", "alice")
        .database("bobdb", "bob")
        .json();
  }

  Result run() throws IOException, InterruptedException {
    Path sql = planSql();
    for (int i = 0; i <= runs; i++) {
      boolean timed = i > 0; // round 0 warms the page cache and the stand-in, untimed
      if (pooled) {
        pooledOnce(i, timed, pooledSamples, Map.of(), "critical-");
      }
      if (withoutWarmup) {
        pooledOnce(
            i, timed, noWarmupSamples, Map.of("COMPUTE_CTL_WARMUP_ROUNDS", "0"), "no-warmup-");
      }
      if (cold) {
        coldOnce(i, timed);
      }
      shellOnce(sql, timed);
    }
    return new Result(figures(), empty, running);
  }

  private void pooledOnce(
      int i, boolean timed, Samples samples, Map<String, String> extraEnv, String name)
      throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    PooledRun r =
        PooledRun.of(env, node, spec(env, node), poolIdleMillis, true, name + i, extraEnv);
    if (!r.isRunning()) {
      throw new IOException("/configure answered " + r.status() + " " + r.body());
    }
    if (timed) {
      samples.add(r.configureMillis(), phases(r.metrics()));
    }
    if (timed && samples == pooledSamples) {
      boots.add(r.bootMillis());
      empty.add(r.empty());
      running.add(r.running());
    }
  }

  private void coldOnce(int i, boolean timed) throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    Path spec = BenchEnv.writeFile("computectl-bench-spec-", "spec.json", spec(env, node));
    try (BenchCompute cc = BenchCompute.start(env, node, spec, null, "cold-" + i)) {
      double ms = cc.awaitLogLine("Changing compute status from init to running", 120_000);
      JsonObject m = cc.metricsJson();
      cc.terminate();
      if (timed) {
        Map<String, Double> parts = phases(m);
        // exec until the compute's clock starts: the JVM, argument parsing, reading the spec
        parts.put("exec_to_start_ms", ms - m.getLong("total_startup_ms", 0));
        coldSamples.add(ms, parts);
      }
    } finally {
      BenchEnv.deleteTree(spec.getParent());
    }
  }

  private void shellOnce(Path sql, boolean timed) throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    try {
      Path conf = shell.configFile(node, spec(env, node));
      BenchEnv.ScriptRun run =
          BenchEnv.runScript(shell.prepareAndStart(node, conf) + shell.psqlFile(node, sql), 300);
      if (timed) {
        shellSamples.add(run.millis(), run.steps());
      }
    } finally {
      shell.stop(node);
      BenchEnv.deleteAtEnd(node.dir());
    }
  }

  private static Map<String, Double> phases(JsonObject m) {
    Map<String, Double> parts = new LinkedHashMap<>();
    for (String k : PHASES) {
      parts.put(k, (double) m.getLong(k, -1));
    }
    parts.put("glue_ms", glue(m));
    return parts;
  }

  /** total_startup_ms less the basebackup, Postgres start and spec SQL. */
  static double glue(JsonObject m) {
    return m.getLong("total_startup_ms", 0)
        - m.getLong("basebackup_ms", 0)
        - m.getLong("start_postgres_ms", 0)
        - m.getLong("config_ms", 0);
  }

  private List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    Stats base = Stats.of(shellSamples.totals);
    if (pooled) {
      Figure f =
          Figure.of(
              "critical_path",
              "Critical path: /configure on a pooled compute -> Running",
              "ms",
              Stats.of(pooledSamples.totals),
              SHELL,
              base);
      f = f.target("ratio <= 0.8", f.ratio() <= 0.8);
      out.add(shellSamples.withPhases(pooledSamples.withPhases(f, ""), "baseline_"));
      Stats glue = Stats.of(pooledSamples.phases.get("glue_ms"));
      out.add(
          new Figure(
              "own_glue",
              "Our own glue (pooled): total_startup_ms - basebackup - Postgres start - spec SQL",
              "ms",
              glue,
              null,
              null,
              "<= 10 ms",
              glue.median() <= 10,
              Map.of()));
      out.add(
          new Figure(
              "boot_pooled",
              "Boot of a pooled compute: exec -> /status answers empty (includes prewarm)",
              "ms",
              Stats.of(boots),
              null,
              null,
              null,
              null,
              Map.of()));
    }
    if (withoutWarmup) {
      Figure f =
          Figure.of(
              "critical_path_without_warmup",
              "Critical path, pooled compute without the warm-up in Empty"
                  + " (COMPUTE_CTL_WARMUP_ROUNDS=0)",
              "ms",
              Stats.of(noWarmupSamples.totals),
              SHELL,
              base);
      out.add(shellSamples.withPhases(noWarmupSamples.withPhases(f, ""), "baseline_"));
    }
    if (cold) {
      Figure f =
          Figure.of(
              "cold_start",
              "Cold start from a spec file: exec -> status running (its log line)",
              "ms",
              Stats.of(coldSamples.totals),
              SHELL,
              base);
      f = f.target("ratio <= 1.0", f.ratio() <= 1.0);
      out.add(shellSamples.withPhases(coldSamples.withPhases(f, ""), "baseline_"));
    }
    return out;
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
      BenchEnv.deleteAtEnd(node.dir());
    }
  }
}
