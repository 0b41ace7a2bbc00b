package computectl.reconcile;

import computectl.metrics.ExportedMetrics;
import computectl.postgres.PgConnector;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Runs the migrations not yet applied (behaviour.md 12.11), each in its own transaction together
 * with the update of {@code neon_migration.migration_id}. The first failure is counted in {@code
 * compute_ctl_db_migration_failed_total{migration_id}} and stops the run.
 */
public final class MigrationRunner {
  public static final String APPLICATION_NAME = "compute_ctl:migrations";
  private static final List<String> PREPARE =
      List.of(
          "CREATE SCHEMA IF NOT EXISTS neon_migration",
          "CREATE TABLE IF NOT EXISTS neon_migration.migration_id (key INT NOT NULL PRIMARY KEY, id"
              + " bigint NOT NULL DEFAULT 0)",
          "INSERT INTO neon_migration.migration_id VALUES (0, 0) ON CONFLICT DO NOTHING",
          "ALTER SCHEMA neon_migration OWNER TO cloud_admin",
          "REVOKE ALL ON SCHEMA neon_migration FROM PUBLIC");

  private final List<Migration> migrations;
  private final ExportedMetrics metrics;
  private final Long failpointId;

  /**
   * {@code failpointId}: the {@code compute-migration} failpoint, failing the migration with that
   * id (testing builds); null normally.
   */
  public MigrationRunner(List<Migration> migrations, ExportedMetrics metrics, Long failpointId) {
    this.migrations = List.copyOf(migrations);
    this.metrics = metrics;
    this.failpointId = failpointId;
  }

  public MigrationRunner(ExportedMetrics metrics) {
    this(Migration.builtIn(), metrics, null);
  }

  /** Connects to the system database and runs what is pending; returns the id reached. */
  public long run(PgConnector connector) {
    try (Connection c = connector.connect(connector.systemDatabase(), APPLICATION_NAME)) {
      return run(c);
    } catch (SQLException e) {
      throw new ReconcileException("migrations: could not connect to the system database", e);
    }
  }

  /**
   * Runs what is pending on {@code c} (autocommit is restored afterwards); returns the id reached.
   */
  public long run(Connection c) {
    long current;
    try {
      prepare(c);
      current = storedId(c);
    } catch (SQLException e) {
      throw new ReconcileException("migrations: preparing schema neon_migration failed", e);
    }
    for (Migration m : migrations) {
      if (m.id() <= current) {
        continue;
      }
      try {
        runOne(c, m);
      } catch (ReconcileException e) {
        Log.error("Failed to run migration id=" + m.id() + ": " + e.getMessage());
        metrics.migrationFailed.inc(Long.toString(m.id()));
        throw e;
      }
      current = m.id();
    }
    return current;
  }

  private static void prepare(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setEscapeProcessing(false);
      for (String sql : PREPARE) {
        st.execute(sql);
      }
    }
  }

  private static long storedId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM neon_migration.migration_id")) {
      if (!rs.next()) {
        throw new SQLException("neon_migration.migration_id has no row");
      }
      return rs.getLong(1);
    }
  }

  private void runOne(Connection c, Migration m) {
    boolean autoCommit = true;
    try {
      autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      if (m.skipped()) {
        Log.info("Skipping migration id=" + m.id());
      } else {
        Log.info("Running migration id=" + m.id() + ":\n" + m.sql());
        try (Statement st = c.createStatement()) {
          st.setEscapeProcessing(false);
          st.execute(m.sql());
        }
      }
      if (failpointId != null && failpointId == m.id()) {
        throw new ReconcileException(
            "migration " + m.id() + " was configured to fail because of a failpoint");
      }
      try (PreparedStatement st =
          c.prepareStatement("UPDATE neon_migration.migration_id SET id = ?")) {
        st.setLong(1, m.id());
        st.executeUpdate();
      }
      c.commit();
      Log.info("Finished migration id=" + m.id());
    } catch (SQLException e) {
      rollback(c);
      throw new ReconcileException("apply migration " + m.id(), e);
    } catch (ReconcileException e) {
      rollback(c);
      throw e;
    } finally {
      restoreAutoCommit(c, autoCommit);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      Log.warn("rollback after a failed migration failed: " + e.getMessage());
    }
  }

  private static void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      Log.warn("could not restore autocommit: " + e.getMessage());
    }
  }
}
