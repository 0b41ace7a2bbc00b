package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.postgres.TempOverride;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.standin.StandInConnection;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole compute start against a real PostgreSQL 15, the pageserver stand-in and the shim. */
@Tag("e2e")
class ComputeStartup_Test {
  private static final String HOSTILE = "zenith \"new\" ';\\ $$ drop table canary; -- ü";
  private static final String LONG_NAME = "r".repeat(61) + "é"; // 63 bytes in UTF-8

  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @Test
  void coldStart_reachesRunningWithRolesDatabasesSettingsAndBasebackup() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    SpecBuilder spec =
        fx.spec(node)
            .role("alice", Passwords.md5("alice", "alice-pw"))
            .role(
                "bob",
                Passwords.scram("bob-pw", "0123456789abcdef".getBytes(StandardCharsets.UTF_8)))
            .role(HOSTILE, Passwords.md5(HOSTILE, "it's a \\ pass"))
            .role(LONG_NAME, null)
            .database("appdb", "alice")
            .database("db \"quoted\" $$", HOSTILE)
            .setting(
                "test.escaping",
                "here's a backslash \\ and a quote ' and a double-quote \" hooray",
                "string");
    try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), Map.of())) {
      awaitRunning(cc);
      try (Connection admin =
              DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
          Statement s = admin.createStatement()) {
        assertEquals(
            StandInBasebackup.MARKER_NOTE,
            one(s, "select note from " + StandInBasebackup.MARKER_TABLE));
        assertEquals(
            "here's a backslash \\ and a quote ' and a double-quote \" hooray",
            one(s, "show test.escaping"));
        assertEquals("100", one(s, "show max_connections"));
        assertEquals(
            "alice",
            one(s, "select pg_get_userbyid(datdba) from pg_database where datname = 'appdb'"));
        assertEquals(
            HOSTILE,
            one(
                s,
                "select pg_get_userbyid(datdba) from pg_database where datname = 'db \"quoted\""
                    + " $$'"));
        assertEquals(
            "1", one(s, "select count(*) from pg_roles where rolname = '" + LONG_NAME + "'"));
        assertEquals(
            "md5" + Passwords.md5("alice", "alice-pw"),
            one(s, "select rolpassword from pg_authid where rolname = 'alice'"));
        node.requirePasswords(s);
      }
      assertLogin(node, "alice", "alice-pw");
      assertLogin(node, "bob", "bob-pw");
      assertLogin(node, HOSTILE, "it's a \\ pass");
      assertThrows(SQLException.class, () -> assertLogin(node, "alice", "wrong"));
      StandInConnection c = fx.pageserver.connections().get(fx.pageserver.connections().size() - 1);
      assertEquals(
          List.of(
              "basebackup "
                  + ComputeFixture.TENANT
                  + " "
                  + ComputeFixture.TIMELINE
                  + " "
                  + fx.backup().endLsn()
                  + " --gzip"),
          c.queries());
      assertEquals(ComputeFixture.TOKEN, c.password());
      assertEquals("-c neon.compute_mode=primary", c.startupParams().get("options"));
      assertEquals("compute_ctl", c.startupParams().get("application_name"));
      assertFalse(cc.log().contains(ComputeFixture.TOKEN), "the token never reaches the log");
      // The temporary override was in force from Postgres's start (no reload put it there) and
      // the reload after the catalog work dropped it.
      Await.until(
          "Postgres dropping the override's setting on the last reload",
          () -> cc.log().contains("\"neon.max_cluster_size\" removed from configuration file"));
      assertFalse(cc.log().contains("\"neon.max_cluster_size\" changed to"), cc.log());
      assertEquals(0, Files.size(node.pgdata().resolve(TempOverride.FILE_NAME)));
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
      assertFalse(Files.exists(node.pgdata().resolve("postmaster.pid")), "Postgres stopped");
    }
  }

  /**
   * The stand-in's basebackup (pg_basebackup's) ends with a segment switch, so Postgres's first
   * record goes into the next segment: compute_ctl creates it empty before Postgres starts, and
   * Postgres writes its WAL there.
   */
  @Test
  void coldStart_primary_postgresWritesIntoTheNextWalSegmentCreatedForIt() throws Exception {
    String next = segmentAfter(fx.backup().endLsn().toString());
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      awaitRunning(cc);
      assertTrue(
          cc.log().contains("created the next WAL segment " + next + " empty, for Postgres"),
          cc.log());
      try (Connection admin =
              DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
          Statement s = admin.createStatement()) {
        s.execute("create table wal_probe as select g from generate_series(1, 1000) g");
        assertEquals(next, one(s, "select pg_walfile_name(pg_current_wal_lsn())"));
        assertEquals("1000", one(s, "select count(*) from wal_probe"));
      }
    }
  }

  @Test
  void coldStart_walPreallocationOffOrWalInitZeroOn_leavesTheSegmentToPostgres() throws Exception {
    ComputeFixture.Node off = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            off,
            ComputeFixture.write(fx.spec(off)),
            List.of(),
            Map.of("COMPUTE_CTL_PREALLOCATE_WAL", "0"))) {
      awaitRunning(cc);
      assertFalse(cc.log().contains("created the next WAL segment"), cc.log());
    }
    ComputeFixture.Node zero = ComputeFixture.newNode();
    SpecBuilder spec = fx.spec(zero).setting("wal_init_zero", "on", "bool");
    try (ComputeCtlProcess cc = fx.start(zero, ComputeFixture.write(spec), List.of(), Map.of())) {
      awaitRunning(cc);
      assertFalse(cc.log().contains("created the next WAL segment"), cc.log());
    }
  }

  private static void awaitRunning(ComputeCtlProcess cc) throws InterruptedException {
    String status =
        cc.awaitStatus(
            s -> s.contains("\"status\":\"running\"") || s.contains("\"failed\""),
            Duration.ofSeconds(90));
    assertTrue(status.contains("\"status\":\"running\""), status + "\n" + cc.log());
  }

  /** The name of the 16 MiB segment after the one holding {@code lsn} ("X/Y"), timeline 1. */
  private static String segmentAfter(String lsn) {
    String[] parts = lsn.split("/");
    long value = (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
    long segment = value / (16L << 20) + 1;
    return String.format("00000001%08X%08X", segment / 256, segment % 256);
  }

  private static void assertLogin(ComputeFixture.Node node, String user, String password)
      throws SQLException {
    assertEquals(user, node.login(user, password));
  }

  static String one(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), "a row from " + sql);
      return rs.getString(1);
    }
  }
}
