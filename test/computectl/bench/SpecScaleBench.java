package computectl.bench;

import computectl.reconcile.ApplyMode;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec apply at scale (1,000 roles, 200 databases): the first apply on a pooled compute ({@code
 * config_ms} of /configure) and a no-op re-apply (the second /configure with the same spec, request
 * to answer), against {@code psql -f} running the statements compute_ctl plans for each case on a
 * cluster made from the same basebackup.
 */
final class SpecScaleBench {
  static final int ROLES = 1000;
  static final int DATABASES = 200;
  static final long LAST_MIGRATION =
      computectl.reconcile.Migration.builtIn()
          .get(computectl.reconcile.Migration.builtIn().size() - 1)
          .id();

  private final BenchEnv env;
  private final ShellBaseline shell;
  private final int runs;

  SpecScaleBench(BenchEnv env, int runs) {
    this.env = env;
    this.shell = new ShellBaseline(env);
    this.runs = runs;
  }

  /**
   * {@code ROLES} roles r0001.. and {@code DATABASES} databases d0001.. owned round-robin by them.
   */
  private String spec(BenchNode node) {
    SpecBuilder spec = env.spec(node);
    for (int i = 1; i <= ROLES; i++) {
      spec.role(String.format("r%04d", i), BenchEnv.VERIFIER);
    }
    for (int i = 1; i <= DATABASES; i++) {
      spec.database(String.format("d%04d", i), String.format("r%04d", (i - 1) % ROLES + 1));
    }
    return spec.json();
  }

  List<Figure> run() throws IOException, InterruptedException {
    List<Double> first = new ArrayList<>();
    List<Double> firstHttp = new ArrayList<>();
    List<Double> noop = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      double[] r = oursOnce(i);
      first.add(r[0]);
      firstHttp.add(r[1]);
      noop.add(r[2]);
    }
    List<Double> baseFirst = new ArrayList<>();
    List<Double> baseNoop = new ArrayList<>();
    Path firstScript = firstSql();
    Path noopScript = null;
    for (int i = 1; i <= runs; i++) {
      BenchNode node = BenchNode.fresh();
      try {
        BenchEnv.timeScript(shell.prepareAndStart(node, shell.configFile(node, spec(node))), 300);
        baseFirst.add(BenchEnv.timeScript(shell.psqlFile(node, firstScript), 600));
        if (noopScript == null) {
          var again = PlanScript.plan(node.connstr(), spec(node), ApplyMode.RECONFIGURE);
          statements[1] = PlanScript.count(again);
          noopScript =
              BenchEnv.writeFile(
                  "computectl-bench-sql-", "noop.sql", PlanScript.toSql(again, "postgres"));
        }
        baseNoop.add(BenchEnv.timeScript(shell.psqlFile(node, noopScript), 600));
      } finally {
        shell.stop(node);
        BenchEnv.deleteAtEnd(node.dir());
      }
    }
    Figure f1 =
        Figure.of(
                "spec_first_apply",
                "Spec apply at scale (1,000 roles, 200 databases): first apply (config_ms)",
                "ms",
                Stats.of(first),
                "psql -f of the same planned statements (" + statements[0] + ")",
                Stats.of(baseFirst))
            .detail("configure_request_ms", Stats.of(firstHttp).median());
    f1 = f1.target("ratio <= 1.0", f1.ratio() <= 1.0);
    Figure f2 =
        Figure.of(
            "spec_noop_reapply",
            "Spec apply at scale: no-op re-apply (/configure, same spec)",
            "ms",
            Stats.of(noop),
            "psql -f of the statements planned for the re-apply (" + statements[1] + ")",
            Stats.of(baseNoop));
    f2 = f2.target("<= 300 ms", f2.ours().median() <= 300);
    return List.of(f1, f2);
  }

  private final int[] statements = new int[2];

  /** {first apply config_ms, first /configure request ms, no-op /configure request ms}. */
  private double[] oursOnce(int i) throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-bench");
        BenchCompute cc = BenchCompute.start(env, node, null, cp.uri(), "spec-scale-" + i)) {
      cc.awaitStatus("\"status\":\"empty\"", 120_000);
      String body = "{\"spec\":" + spec(node) + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
      long t0 = System.nanoTime();
      RawHttp.Response r = cc.post("/configure", body, 600_000);
      double firstMs = (System.nanoTime() - t0) / 1e6;
      check(r, cc);
      double configMs = cc.metricsJson().getLong("config_ms", -1);
      // A re-apply comes long after the start; the background migrations must not race it.
      cc.awaitLog("Finished migration id=" + LAST_MIGRATION, 600_000);
      t0 = System.nanoTime();
      r = cc.post("/configure", body, 600_000);
      double noopMs = (System.nanoTime() - t0) / 1e6;
      check(r, cc);
      cc.terminate();
      return new double[] {configMs, firstMs, noopMs};
    }
  }

  private static void check(RawHttp.Response r, BenchCompute cc) throws IOException {
    if (r.status() != 200 || !r.body().contains("\"status\":\"running\"")) {
      throw new IOException("/configure answered " + r.status() + " " + r.body() + "\n" + cc.log());
    }
  }

  /** The first-apply statements, planned by compute_ctl's planner on a scratch cluster. */
  private Path firstSql() throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    try {
      BenchEnv.timeScript(shell.prepareAndStart(node, shell.configFile(node, spec(node))), 300);
      var firstPlan = PlanScript.plan(node.connstr(), spec(node), ApplyMode.STARTUP);
      statements[0] = PlanScript.count(firstPlan);
      return BenchEnv.writeFile(
          "computectl-bench-sql-", "first.sql", PlanScript.toSql(firstPlan, "postgres"));
    } finally {
      shell.stop(node);
      BenchEnv.deleteAtEnd(node.dir());
    }
  }
}
