package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.tar.TarEntry;
import computectl.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class PageserverStandIn_Test {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  /** Entry path (without a leading "./") to content for small files, "" for others. */
  private static Map<String, String> entries(byte[] tar) throws IOException {
    Map<String, String> out = new HashMap<>();
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    TarEntry e;
    while ((e = r.next()) != null) {
      String path = e.path().startsWith("./") ? e.path().substring(2) : e.path();
      boolean small = e.type() == TarEntry.Type.FILE && e.size() < 4096;
      out.put(path, small ? new String(r.body().readAllBytes(), StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  @Test
  void backup_isShapedLikeNeons() throws IOException {
    BasebackupTar b = StandInFixture.neonLikeBackup();
    Map<String, String> files = entries(b.tar());
    assertFalse(files.containsKey("postgresql.conf"), "no postgresql.conf in " + files.keySet());
    assertTrue(files.containsKey("PG_VERSION"));
    assertTrue(files.containsKey("global/pg_control"));
    assertTrue(files.containsKey("backup_label"));
    assertTrue(b.markerRelPath().startsWith("base/"), b.markerRelPath());
    assertTrue(files.containsKey(b.markerRelPath()), b.markerRelPath());
    assertEquals(StandInBasebackup.NEON_HBA, files.get("pg_hba.conf"));
    assertEquals("", files.get("postgresql.auto.conf"));
    assertTrue(
        files.keySet().stream().anyMatch(p -> p.matches("pg_wal/[0-9A-F]{24}")),
        "WAL segment included");
    assertTrue(b.endLsn().compareTo(b.startLsn()) > 0, b.startLsn() + " .. " + b.endLsn());
  }

  private static Connection jdbc(PageserverStandIn s, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "no_user");
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "jdbc-test");
    p.setProperty("options", "-c timeline_id=" + TIMELINE + " tenant_id=" + TENANT);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port() + "/postgres", p);
  }

  @Test
  void jdbc_extendedProtocolWithScramAndMd5() throws Exception {
    try (PageserverStandIn s = PageserverStandIn.start(0)) {
      s.leaseValidUntil(1_234_567L)
          .timelineStatus(
              computectl.spec.Lsn.parse("0/2000000"), computectl.spec.Lsn.parse("0/1FFFFF0"));
      for (PageserverStandIn.Auth method :
          List.of(PageserverStandIn.Auth.SCRAM_SHA_256, PageserverStandIn.Auth.MD5)) {
        s.auth(method, "tok");
        try (Connection c = jdbc(s, "tok");
            Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery("lease lsn " + TENANT + " " + TIMELINE + " 0/16B9188 ")) {
          assertTrue(rs.next());
          assertEquals("1234567", rs.getString("valid_until"));
          try (PreparedStatement ps = c.prepareStatement("TIMELINE_STATUS");
              ResultSet t = ps.executeQuery()) {
            assertTrue(t.next());
            assertEquals("0/2000000", t.getString("flush_lsn"));
            assertEquals("0/1FFFFF0", t.getString("commit_lsn"));
          }
        }
        assertThrows(SQLException.class, () -> jdbc(s, "bad").close(), method.toString());
      }
      StandInConnection first = s.connections().get(0);
      assertTrue(first.authenticated());
      assertTrue(
          first.queries().contains("SET application_name = 'jdbc-test'"),
          first.queries().toString());
      assertEquals(
          "-c timeline_id=" + TIMELINE + " tenant_id=" + TENANT,
          first.startupParams().get("options"));
      assertTrue(first.queries().contains("TIMELINE_STATUS"), first.queries().toString());
      assertFalse(s.connections().get(1).authenticated());
    }
  }

  @Test
  void jdbc_errorInExtendedProtocolSkipsToSync() throws Exception {
    try (PageserverStandIn s = PageserverStandIn.start(0);
        Connection c = jdbc(s, null);
        Statement st = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("select 1"));
      assertEquals("42601", e.getSQLState());
      s.refuseLeases();
      try (ResultSet rs = st.executeQuery("lease lsn " + TENANT + " " + TIMELINE + " 0/1 ")) {
        assertTrue(rs.next());
        assertNull(rs.getString(1));
      }
    }
  }

  @Test
  void close_stopsAllThreadsEvenWhenStalled() throws Exception {
    PageserverStandIn s =
        PageserverStandIn.start(0).serveTar(new byte[1 << 20]).fault(StandInFault.stallAfter(1000));
    int port = s.port();
    try (java.net.Socket idle = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      assertTrue(idle.isConnected(), "a connection that never sends its startup packet");
      computectl.pgwire.WireClient c =
          computectl.pgwire.WireClient.connect(
              computectl.pgwire.ConnInfo.parse(s.connstr()),
              null,
              Map.of(),
              java.time.Duration.ofSeconds(5),
              java.time.Duration.ofSeconds(30));
      c.copyOut("basebackup " + TENANT + " " + TIMELINE + " --gzip --replica");
      s.close();
      assertTrue(
          Thread.getAllStackTraces().keySet().stream()
              .noneMatch(
                  t -> t.getName().startsWith("standin-pageserver-" + port + "-") && t.isAlive()));
      c.close();
    }
  }

  /**
   * Closing the listener alone left the kernel socket open until the accept thread woke, so a
   * connection right after "refuse" could be served and the re-bind could find the port in use.
   */
  @Test
  void refuseConnections_refusesOnReturnAndRebindsAtOnce() throws Exception {
    int port = Ports.reserve();
    try (PageserverStandIn s = PageserverStandIn.start(port)) {
      for (int i = 0; i < 200; i++) {
        s.refuseConnections(true);
        assertThrows(
            java.net.ConnectException.class,
            () -> new java.net.Socket(InetAddress.getLoopbackAddress(), port).close(),
            "round " + i);
        s.refuseConnections(false);
      }
      new java.net.Socket(InetAddress.getLoopbackAddress(), port).close();
    }
  }

  @Test
  void auth_parseNamesEveryMethod() {
    assertEquals(
        PageserverStandIn.Auth.SCRAM_SHA_256, PageserverStandIn.Auth.parse("scram-sha-256"));
    assertEquals(PageserverStandIn.Auth.CLEARTEXT, PageserverStandIn.Auth.parse("password"));
    assertEquals(PageserverStandIn.Auth.MD5, PageserverStandIn.Auth.parse("MD5"));
    assertEquals(PageserverStandIn.Auth.TRUST, PageserverStandIn.Auth.parse("trust"));
    assertEquals(
        "unknown authentication method \"gss\" (trust, password, md5 or scram-sha-256)",
        assertThrows(RuntimeException.class, () -> PageserverStandIn.Auth.parse("gss"))
            .getMessage());
  }
}
