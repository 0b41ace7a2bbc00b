package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.postgres.PgConnector;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class MaintenanceConnector_Test {
  private static TestDb db;

  @BeforeAll
  static void setUp() {
    db = TestDb.start();
    db.exec("postgres", "CREATE ROLE zenith_admin SUPERUSER LOGIN");
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void open_turnsForwardDdlOffAndNamesTheApplication() throws Exception {
    try (Connection c = new MaintenanceConnector(db.connector).open("postgres")) {
      assertEquals("false", query(c, "SHOW neon.forward_ddl"));
      assertEquals("compute_ctl:apply_config", query(c, "SHOW application_name"));
      assertEquals("warning", query(c, "SHOW client_min_messages"));
      try (Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS public"); // exists: a NOTICE, not sent
        assertNull(st.getWarnings());
      }
    }
  }

  @Test
  void open_otherConnectErrors_areNotRetriedAsZenithAdmin() {
    List<String> asked = new ArrayList<>();
    SQLException refused = new SQLException("connection refused", "08001");
    PgConnector failing =
        new PgConnector() {
          @Override
          public Connection connect(String dbname, String applicationName) throws SQLException {
            throw refused;
          }

          @Override
          public Optional<PgConnector> asUser(String user) {
            asked.add(user);
            return Optional.empty();
          }
        };
    assertSame(
        refused,
        assertThrows(SQLException.class, () -> new MaintenanceConnector(failing).open("postgres")));
    assertEquals(List.of(), asked);
  }

  @Test
  void open_rejectedUser_createsCloudAdminAsZenithAdminAndRetries() throws Exception {
    PgConnector zenith = db.connector.asUser("zenith_admin").orElseThrow();
    try (Connection c = zenith.connect("postgres", "test");
        Statement st = c.createStatement()) {
      // A legacy compute: no cloud_admin, so logging in as cloud_admin fails with 28000.
      st.execute("ALTER ROLE cloud_admin RENAME TO bootstrap_admin");
    }
    try (Connection c = new MaintenanceConnector(db.connector).open("postgres")) {
      assertEquals("cloud_admin", query(c, "SELECT current_user"));
      assertNotEquals(
          "10", query(c, "SELECT oid FROM pg_roles WHERE rolname = 'cloud_admin'"), "a new role");
      assertEquals(
          "true", query(c, "SELECT rolsuper::text FROM pg_roles WHERE rolname = 'cloud_admin'"));
      assertEquals(
          "true", query(c, "SELECT pg_has_role('cloud_admin', 'zenith_admin', 'member')::text"));
    }
  }
}
