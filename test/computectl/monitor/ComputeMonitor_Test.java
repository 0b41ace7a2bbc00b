package computectl.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.postgres.JdbcConnector;
import computectl.standin.LocalCluster;
import computectl.testsupport.Await;
import computectl.testsupport.HelperThread;
import computectl.testsupport.Requirements;
import computectl.testsupport.TestPg;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class ComputeMonitor_Test {
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestPg.newCluster();
    cluster.appendConf("wal_level = logical\n");
    cluster.close();
    cluster.startServer();
    cluster.psql("postgres", "create role app login");
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static ComputeNode runningNode() {
    ComputeNode node = new ComputeNode();
    node.setStatus(ComputeStatus.INIT);
    node.setStatus(ComputeStatus.RUNNING);
    return node;
  }

  private static long adminQuery(String sql) {
    try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long appBackends(String state) {
    return adminQuery(
        "select count(*) from pg_stat_activity where usename = 'app' and state = '" + state + "'");
  }

  private ComputeMonitor monitor(ComputeNode node) {
    return new ComputeMonitor(node, JdbcConnector.fromConnstr(cluster.url("postgres")));
  }

  @Test
  void checkOnce_nobodyConnectedLeavesLastActiveUnset() {
    ComputeNode node = runningNode();
    try (ComputeMonitor m = monitor(node)) {
      m.checkOnce();
      assertNull(node.state().lastActive());
    }
  }

  /**
   * The monitor's own session must not be in UTC, or a query that formats {@code state_change} in
   * the session's zone and calls it UTC (upstream's) would pass: the JDBC driver gives the session
   * the JVM's zone, so the JVM's zone is set away from UTC while the monitor connects.
   */
  @Test
  void checkOnce_idleSessionGivesItsStateChangeInUtc() throws Exception {
    ComputeNode node = runningNode();
    Instant before = Instant.now().minusSeconds(1);
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
    try (Connection app =
            DriverManager.getConnection(cluster.jdbcUrl("postgres").replace("cloud_admin", "app"));
        Statement s = app.createStatement();
        ComputeMonitor m = monitor(node)) {
      s.execute("set timezone = 'America/New_York'");
      s.execute("select 1");
      m.checkOnce();
      Instant last = node.state().lastActive();
      assertNotNull(last);
      assertTrue(
          !last.isBefore(before) && !last.isAfter(Instant.now()),
          "state_change read as UTC: " + last);
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  @Test
  void checkOnce_activeSessionMeansNow() throws Exception {
    ComputeNode node = runningNode();
    try (Connection app =
            DriverManager.getConnection(cluster.jdbcUrl("postgres").replace("cloud_admin", "app"));
        ComputeMonitor m = monitor(node)) {
      HelperThread sleeper =
          HelperThread.start(
              "test-sleeper",
              () -> {
                try (Statement s = app.createStatement()) {
                  s.execute("select pg_sleep(60)");
                } catch (SQLException e) {
                  if (!"57014".equals(e.getSQLState())) { // canceled below, once checked
                    throw e;
                  }
                }
              });
      Await.until("the app's backend to be active", () -> appBackends("active") == 1);
      Instant before = Instant.now();
      m.checkOnce();
      adminQuery(
          "select count(pg_cancel_backend(pid)) from pg_stat_activity where usename = 'app'");
      sleeper.join();
      assertTrue(!node.state().lastActive().isBefore(before), "active backend means now");
    }
  }

  @Test
  void checkOnce_survivesUnreachablePostgres() {
    ComputeNode node = runningNode();
    try (ComputeMonitor m =
        new ComputeMonitor(
            node, JdbcConnector.fromConnstr("postgresql://cloud_admin@127.0.0.1:1/postgres"))) {
      m.checkOnce();
      assertNull(node.state().lastActive());
    }
  }

  @Test
  void checkOnce_openTransactionMeansNow() throws Exception {
    ComputeNode node = runningNode();
    try (Connection app =
            DriverManager.getConnection(cluster.jdbcUrl("postgres").replace("cloud_admin", "app"));
        Statement s = app.createStatement();
        ComputeMonitor m = monitor(node)) {
      app.setAutoCommit(false);
      s.execute("select 1");
      Await.until("an open transaction", () -> appBackends("idle in transaction") == 1);
      Instant before = Instant.now();
      m.checkOnce();
      assertTrue(
          !node.state().lastActive().isBefore(before), "idle in transaction counts as active");
      app.rollback();
    }
  }

  @Test
  void checkOnce_idleComputeKeepsItsLastActive() throws Exception {
    ComputeNode node = runningNode();
    try (ComputeMonitor m = monitor(node)) {
      Instant earlier = Instant.parse("2025-01-01T00:00:00Z");
      node.updateLastActive(earlier);
      m.checkOnce();
      m.checkOnce();
      assertEquals(earlier, node.state().lastActive());
    }
  }

  @Test
  void checkOnce_survivesPostgresRestartAndReconnects() throws Exception {
    ComputeNode node = runningNode();
    try (ComputeMonitor m = monitor(node)) {
      m.checkOnce();
      cluster.close();
      m.checkOnce();
      cluster.startServer();
      try (Connection app =
              DriverManager.getConnection(
                  cluster.jdbcUrl("postgres").replace("cloud_admin", "app"));
          Statement s = app.createStatement()) {
        app.setAutoCommit(false);
        s.execute("select 1");
        Instant before = Instant.now();
        m.checkOnce();
        m.checkOnce();
        assertNotNull(node.state().lastActive(), "the monitor reconnected after the restart");
        assertTrue(!node.state().lastActive().isBefore(before));
        app.rollback();
      }
    }
  }

  @Test
  void checkOnce_logicalReplicationConnectionMeansNow() throws Exception {
    Requirements.pgRecvlogical(TestPg.install().tool("pg_recvlogical").getParent());
    ComputeNode node = runningNode();
    cluster.psql(
        "postgres", "select pg_create_logical_replication_slot('monitor_test', 'test_decoding')");
    Process receiver =
        new ProcessBuilder(
                computectl.util.RunAs.command(
                    TestPg.user(),
                    java.util.List.of(
                        TestPg.install().tool("pg_recvlogical").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(cluster.port()),
                        "-U",
                        "cloud_admin",
                        "-d",
                        "postgres",
                        "-S",
                        "monitor_test",
                        "--start",
                        "-f",
                        "/dev/null")))
            .redirectErrorStream(true)
            .start();
    try (ComputeMonitor m = monitor(node)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!cluster
          .psql("postgres", "select count(*) from pg_stat_replication")
          .trim()
          .equals("1")) {
        assertTrue(System.nanoTime() < deadline && receiver.isAlive(), "pg_recvlogical connected");
        Thread.sleep(100);
      }
      Instant before = Instant.now();
      m.checkOnce();
      assertTrue(!node.state().lastActive().isBefore(before), "a walsender counts as activity");
    } finally {
      receiver.destroy();
      receiver.waitFor();
      // The walsender ends a moment after its client: the slot is busy until then.
      Await.until(
          "the slot to be released",
          () ->
              adminQuery(
                      "select count(*) from pg_replication_slots where slot_name = 'monitor_test'"
                          + " and active")
                  == 0);
      cluster.psql("postgres", "select pg_drop_replication_slot('monitor_test')");
    }
  }
}
