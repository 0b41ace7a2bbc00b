package computectl.bench;

import computectl.postgres.JdbcConnector;
import computectl.reconcile.ApplyContext;
import computectl.reconcile.ApplyMode;
import computectl.reconcile.DatabaseTask;
import computectl.reconcile.Phase;
import computectl.reconcile.Plan;
import computectl.reconcile.Reconciler;
import computectl.reconcile.SqlStatement;
import computectl.reconcile.Stage;
import computectl.spec.ComputeSpec;
import computectl.spec.SpecParser;

/**
 * The statements compute_ctl would run for a spec against a given cluster, as a psql script: what
 * the shell baselines feed to {@code psql -f}, so both sides run the same SQL.
 */
final class PlanScript {
  private PlanScript() {}

  /** Plans {@code specJson} against the cluster at {@code connstr} (reads the catalog only). */
  static Plan plan(String connstr, String specJson, ApplyMode mode) {
    ComputeSpec spec = SpecParser.parseSpec(specJson);
    return Reconciler.plan(
        JdbcConnector.fromConnstr(connstr), spec, ApplyContext.of(mode, spec, BenchEnv.TIMELINE));
  }

  /** The plan's statements in order; per-database tasks after a {@code \connect}. */
  static String toSql(Plan plan, String systemDb) {
    StringBuilder sb = new StringBuilder("\\set ON_ERROR_STOP 1\n");
    String current = systemDb;
    for (Stage stage : plan.stages()) {
      for (DatabaseTask task : stage.tasks()) {
        if (task.skipped() || task.isEmpty()) {
          continue;
        }
        String db = stage.onSystemDatabase() ? systemDb : task.database();
        if (!db.equals(current)) {
          sb.append("\\connect \"").append(db.replace("\"", "\"\"")).append("\"\n");
          current = db;
        }
        for (Phase phase : task.phases()) {
          for (SqlStatement s : phase.statements()) {
            sb.append(s.sql()).append(";\n");
          }
        }
      }
    }
    return sb.toString();
  }

  static int count(Plan plan) {
    return plan.statements().size();
  }
}
