package computectl.reconcile;

import computectl.postgres.PgConnector;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The "maintenance client" of behaviour.md 6.1: connections used to apply the spec. Each one has
 * {@code application_name} {@code compute_ctl:apply_config} and turns {@code neon.forward_ddl} off
 * so that the neon extension does not send compute_ctl's own DDL back to the control plane; it asks
 * for no notices, which nothing reads.
 */
public final class MaintenanceConnector {
  public static final String APPLICATION_NAME = "compute_ctl:apply_config";

  /** The role that owned computes before cloud_admin existed. */
  static final String LEGACY_ADMIN = "zenith_admin";

  private final PgConnector connector;

  public MaintenanceConnector(PgConnector connector) {
    this.connector = connector;
  }

  public String systemDatabase() {
    return connector.systemDatabase();
  }

  /** A connection to {@code dbname}, ready for reconciliation statements. */
  public Connection open(String dbname) throws SQLException {
    Connection c;
    try {
      c = connector.connect(dbname, APPLICATION_NAME);
    } catch (SQLException e) {
      if (!"28P01".equals(e.getSQLState()) && !"28000".equals(e.getSQLState())) {
        throw e;
      }
      createCloudAdminAsLegacyAdmin(dbname, e);
      c = connector.connect(dbname, APPLICATION_NAME);
    }
    try (Statement st = c.createStatement()) {
      // Postgres would log a failing statement's text, PASSWORD literals included, into the log
      // compute_ctl forwards; our own error names the statement without them. Notices ("already
      // exists, skipping" and the like) are read by nobody: unsent, the driver does not turn each
      // into an SQLWarning (whose first costs a cold start about 3 ms of method-handle set-up).
      // All in one round trip: the connections go on the start's critical path.
      st.execute(
          "SET neon.forward_ddl = false; SET log_min_error_statement = panic;"
              + " SET client_min_messages = warning");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * Computes created before cloud_admin existed only know zenith_admin: when our user is rejected,
   * create it as zenith_admin and retry (upstream's legacy migration path).
   */
  private void createCloudAdminAsLegacyAdmin(String dbname, SQLException rejected)
      throws SQLException {
    Optional<PgConnector> legacy = connector.asUser(LEGACY_ADMIN);
    if (legacy.isEmpty()) {
      throw rejected;
    }
    Log.warn(
        "connection as the configured user was rejected ("
            + rejected.getSQLState()
            + "); creating cloud_admin as "
            + LEGACY_ADMIN);
    try (Connection c = legacy.get().connect(dbname, APPLICATION_NAME);
        Statement st = c.createStatement()) {
      st.execute("SET neon.forward_ddl = false");
      st.execute("CREATE USER cloud_admin WITH SUPERUSER");
      st.execute("GRANT zenith_admin TO cloud_admin");
    }
  }
}
