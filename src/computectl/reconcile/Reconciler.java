package computectl.reconcile;

import computectl.postgres.PgConnector;
import computectl.spec.ComputeSpec;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Spec application (behaviour.md 6): reads the catalog, plans, and runs the plan. Whether to apply
 * at all ({@code skip_pg_catalog_updates}, mode Primary) is the caller's decision.
 */
public final class Reconciler {
  public static final String POST_APPLY_APPLICATION_NAME = "compute_ctl:post_apply_config";

  private Reconciler() {}

  /** Applies the spec's roles, databases and delta operations; returns what was run. */
  public static Plan apply(PgConnector connector, ComputeSpec spec, ApplyContext ctx) {
    MaintenanceConnector connections = new MaintenanceConnector(connector);
    Log.info("Applying config with max " + ctx.concurrency() + " concurrency");
    try (Connection system = openSystem(connections)) {
      Plan plan = plan(system, connections.systemDatabase(), spec, ctx);
      plan.warnings().forEach(Log::warn);
      new PlanExecutor(connections, ctx.concurrency()).run(plan, system);
      return plan;
    } catch (SQLException e) {
      throw new ReconcileException("spec application failed", e);
    }
  }

  /** The plan {@link #apply} would run now, without changing anything (dry run). */
  public static Plan plan(PgConnector connector, ComputeSpec spec, ApplyContext ctx) {
    MaintenanceConnector connections = new MaintenanceConnector(connector);
    try (Connection system = openSystem(connections)) {
      return plan(system, connections.systemDatabase(), spec, ctx);
    } catch (SQLException e) {
      throw new ReconcileException("reading the catalog failed", e);
    }
  }

  /**
   * The post-start {@code ALTER EXTENSION neon UPDATE} (behaviour.md 5.8), run for every primary
   * even when catalog updates are skipped; the caller runs it in the background and logs errors.
   */
  public static void updateNeonExtension(PgConnector connector) {
    try (Connection c = connector.connect(connector.systemDatabase(), POST_APPLY_APPLICATION_NAME);
        Statement st = c.createStatement()) {
      st.execute("ALTER EXTENSION neon UPDATE");
    } catch (SQLException e) {
      throw new ReconcileException("ALTER EXTENSION neon UPDATE failed", e);
    }
  }

  private static Connection openSystem(MaintenanceConnector connections) {
    try {
      return connections.open(connections.systemDatabase());
    } catch (SQLException e) {
      throw new ReconcileException(
          "could not connect to the system database " + connections.systemDatabase(), e);
    }
  }

  private static Plan plan(Connection system, String systemDb, ComputeSpec spec, ApplyContext ctx)
      throws SQLException {
    int major = serverMajorVersion(system);
    CatalogSnapshot catalog = CatalogSnapshot.read(system);
    boolean dropSubscriptions =
        spec.dropSubscriptionsBeforeStart() && !subscriptionsDropped(system, ctx.timelineId());
    return Planner.plan(spec, catalog, new PlanParams(major, systemDb, dropSubscriptions));
  }

  /** From the {@code server_version} the server reported at connect: no round trip. */
  static int serverMajorVersion(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseMajorVersion();
  }

  /**
   * Whether subscriptions were already dropped for this timeline: a restart inside the VM brings
   * the same spec again, and dropping twice would drop subscriptions the user made since.
   */
  static boolean subscriptionsDropped(Connection c, String timelineId) throws SQLException {
    if (timelineId == null) {
      throw new ReconcileException("timeline_id must be set to drop subscriptions before start");
    }
    Log.info("Checking if subscriptions were already dropped for timeline " + timelineId);
    try (PreparedStatement st =
        c.prepareStatement("select 1 from neon.drop_subscriptions_done where timeline_id = ?")) {
      st.setString(1, timelineId);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }
}
