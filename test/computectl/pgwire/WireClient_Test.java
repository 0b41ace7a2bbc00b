package computectl.pgwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.Lsn;
import computectl.standin.PageserverStandIn;
import computectl.standin.StandInConnection;
import computectl.standin.StandInFault;
import computectl.testsupport.Await;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the stand-in server: every auth method, COPY streaming and every fault. */
class WireClient_Test {
  static final String TENANT = "0123456789abcdef0123456789abcdef";
  static final String TIMELINE = "fedcba9876543210fedcba9876543210";
  static final String QUERY = "basebackup " + TENANT + " " + TIMELINE + " 0/169AD58";
  private static final byte[] PAYLOAD = payload(1_000_000);

  private PageserverStandIn server;

  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  @BeforeEach
  void startServer() throws IOException {
    // A reserved port: a refusal test closes the listener, and a port from the kernel could be
    // handed to another listener meanwhile (see Ports).
    server =
        PageserverStandIn.start(TestPg.freePort()).serveTar(PAYLOAD).setLsn(Lsn.parse("0/169AD58"));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private WireClient connect(String password) {
    return WireClient.connect(
        ConnInfo.parse(server.connstr()),
        password,
        Map.of("application_name", "wire-test", "options", "-c neon.compute_mode=primary"),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void connect_trustRunsQueries() {
    try (WireClient c = connect(null)) {
      List<QueryResult> r = c.simpleQuery("TIMELINE_STATUS");
      assertEquals(1, r.size());
      assertEquals(List.of("flush_lsn", "commit_lsn"), r.get(0).columns());
      assertEquals("0/169AD58", r.get(0).get(0, "commit_lsn"));
      assertEquals("TIMELINE_STATUS", r.get(0).commandTag());
    }
    StandInConnection seen = server.connections().get(0);
    assertEquals("no_user", seen.startupParams().get("user"));
    assertEquals("wire-test", seen.startupParams().get("application_name"));
    assertEquals("-c neon.compute_mode=primary", seen.startupParams().get("options"));
    assertEquals(List.of("TIMELINE_STATUS"), seen.queries());
  }

  @Test
  void connect_everyPasswordMethodWithRightAndWrongPassword() {
    for (PageserverStandIn.Auth method :
        List.of(
            PageserverStandIn.Auth.CLEARTEXT,
            PageserverStandIn.Auth.MD5,
            PageserverStandIn.Auth.SCRAM_SHA_256)) {
      server.auth(method, "s3cret token");
      try (WireClient c = connect("s3cret token")) {
        assertEquals(1, c.simpleQuery("TIMELINE_STATUS").get(0).rows().size(), method.toString());
      }
      WireException e =
          assertThrows(WireException.class, () -> connect("wrong").close(), method.toString());
      assertEquals(
          "FATAL: password authentication failed for user \"no_user\" (SQLSTATE 28P01)",
          e.getMessage());
      assertEquals("28P01", e.sqlState());
      assertEquals("FATAL", e.severity());
    }
  }

  @Test
  void connect_recordsCleartextPasswordAndPrefersOverride() {
    server.auth(PageserverStandIn.Auth.CLEARTEXT, null);
    ConnInfo withPassword =
        ConnInfo.parse("postgresql://no_user:from-string@127.0.0.1:" + server.port());
    WireClient.connect(withPassword, null, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5))
        .close();
    WireClient.connect(
            withPassword, "override", Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5))
        .close();
    assertEquals("from-string", server.connections().get(0).password());
    assertEquals("override", server.connections().get(1).password());
  }

  @Test
  void connect_withoutPasswordWhenAskedIsClear() {
    server.auth(PageserverStandIn.Auth.MD5, "x");
    WireException e = assertThrows(WireException.class, () -> connect(null));
    assertEquals(
        "server 127.0.0.1:" + server.port() + " asked for a MD5 password but no password was given",
        e.getMessage());
  }

  @Test
  void connect_scramWithWrongServerSignatureFails() {
    server.auth(PageserverStandIn.Auth.SCRAM_SHA_256, "pw").fault(StandInFault.badScramSignature());
    WireException e = assertThrows(WireException.class, () -> connect("pw"));
    assertEquals(
        "SCRAM server signature from 127.0.0.1:"
            + server.port()
            + " does not match: the server does not know the password",
        e.getMessage());
  }

  @Test
  void connect_refusedAndClosedAreClear() throws IOException, InterruptedException {
    server.failFirst(1, StandInFault.closeOnAccept());
    assertEquals(
        "connection to 127.0.0.1:" + server.port() + " closed unexpectedly",
        assertThrows(WireException.class, () -> connect(null)).getMessage());
    connect(null).close();
    server.refuseConnections(true);
    awaitRefused(server.port());
    String msg = assertThrows(WireException.class, () -> connect(null)).getMessage();
    assertTrue(
        msg.startsWith("could not connect to 127.0.0.1:" + server.port() + ": Connection refused"),
        msg);
    server.refuseConnections(false);
    connect(null).close();
  }

  @Test
  void copyOut_streamsPayloadAndCountsBytes() throws IOException {
    try (WireClient c = connect(null)) {
      CopyOutStream in = c.copyOut(QUERY);
      assertArrayEquals(PAYLOAD, readAll(in));
      assertEquals(PAYLOAD.length, in.bytesRead());
      assertTrue(in.finished());
      assertEquals("0/169AD58", c.simpleQuery("TIMELINE_STATUS").get(0).get(0, "flush_lsn"));
      CopyOutStream gz = c.copyOut(QUERY + " --gzip");
      assertArrayEquals(PAYLOAD, readAll(new GZIPInputStream(gz)));
      assertTrue(gz.bytesRead() > 0);
    }
    assertEquals(List.of(QUERY, "TIMELINE_STATUS", QUERY + " --gzip"), server.queries());
  }

  @Test
  void copyOut_errorMidStreamThrowsServerError() {
    server.fault(StandInFault.errorAfter(300_000));
    try (WireClient c = connect(null)) {
      CopyOutStream in = c.copyOut(QUERY);
      WireException e = assertThrows(WireException.class, () -> readAll(in));
      assertEquals("ERROR: " + StandInFault.ERROR_TEXT + " (SQLSTATE XX000)", e.getMessage());
      assertEquals("XX000", e.sqlState());
      assertEquals("ERROR", e.severity());
      assertEquals(StandInFault.ERROR_TEXT, e.serverMessage());
      assertEquals(300_000, in.bytesRead());
      assertEquals(e, in.failure());
    }
  }

  @Test
  void copyOut_errorAfterTheWholeArchiveIsStillThrown() {
    server.fault(StandInFault.errorAfter(Long.MAX_VALUE));
    try (WireClient c = connect(null)) {
      CopyOutStream in = c.copyOut(QUERY);
      assertThrows(WireException.class, () -> readAll(in));
      assertEquals(PAYLOAD.length, in.bytesRead());
    }
  }

  @Test
  void copyOut_truncatedStreamIsClear() {
    server.fault(StandInFault.closeAfter(100_000));
    try (WireClient c = connect(null)) {
      CopyOutStream in = c.copyOut(QUERY);
      WireException e = assertThrows(WireException.class, () -> readAll(in));
      assertEquals(
          "connection to 127.0.0.1:" + server.port() + " closed unexpectedly", e.getMessage());
      assertEquals(100_000, in.bytesRead());
      assertEquals(
          "connection to 127.0.0.1:"
              + server.port()
              + " is no longer usable after an earlier error",
          assertThrows(WireException.class, () -> c.simpleQuery("TIMELINE_STATUS")).getMessage());
    }
  }

  @Test
  void copyOut_stallHitsReadTimeout() {
    server.fault(StandInFault.stallAfter(65_536));
    try (WireClient c =
        WireClient.connect(
            ConnInfo.parse(server.connstr()),
            null,
            Map.of(),
            Duration.ofSeconds(5),
            Duration.ofMillis(300))) {
      CopyOutStream in = c.copyOut(QUERY);
      // The stalled server never sends more: only the 300 ms read timeout ends the read.
      WireException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60), () -> assertThrows(WireException.class, () -> readAll(in)));
      assertEquals("timed out reading from 127.0.0.1:" + server.port(), e.getMessage());
    }
  }

  @Test
  void copyOut_garbageIsReported() {
    server.fault(StandInFault.garbageAfter(10_000));
    try (WireClient c = connect(null)) {
      CopyOutStream in = c.copyOut(QUERY);
      WireException e = assertThrows(WireException.class, () -> readAll(in));
      assertEquals(
          "unexpected message of unknown type 0x00 from 127.0.0.1:"
              + server.port()
              + " (garbage on the connection?)",
          e.getMessage());
    }
  }

  @Test
  void query_errorResponseKeepsConnectionUsable() {
    try (WireClient c = connect(null)) {
      WireException e = assertThrows(WireException.class, () -> c.simpleQuery("no such command"));
      assertEquals("ERROR: unsupported command: no such command (SQLSTATE 42601)", e.getMessage());
      WireException copy = assertThrows(WireException.class, () -> c.copyOut("basebackup nope"));
      assertEquals("42601", copy.sqlState());
      assertEquals(1, c.simpleQuery("TIMELINE_STATUS").size());
      assertTrue(c.simpleQuery("").isEmpty());
    }
  }

  @Test
  void query_errorAtQueryFault() {
    server.fault(StandInFault.errorAtQuery());
    try (WireClient c = connect(null)) {
      assertEquals("XX000", assertThrows(WireException.class, () -> c.copyOut(QUERY)).sqlState());
    }
  }

  @Test
  void copyOut_onARowQueryIsAnError() {
    try (WireClient c = connect(null)) {
      WireException e = assertThrows(WireException.class, () -> c.copyOut("TIMELINE_STATUS"));
      assertEquals(
          "query to 127.0.0.1:"
              + server.port()
              + " did not start COPY OUT (got RowDescription ('T'))",
          e.getMessage());
    }
  }

  @Test
  void query_leaseAndMissingTimeline() {
    server.leaseValidUntil(1_700_000_000_000L).timelineNotFound();
    try (WireClient c = connect(null)) {
      QueryResult lease =
          c.simpleQuery("lease lsn " + TENANT + " " + TIMELINE + " 0/16B9188 ").get(0);
      assertEquals("1700000000000", lease.get(0, "valid_until"));
      assertTrue(c.simpleQuery("TIMELINE_STATUS").get(0).rows().isEmpty());
      server.refuseLeases();
      assertNull(
          c.simpleQuery("lease lsn " + TENANT + "-0102 " + TIMELINE + " 0/16B9188 ")
              .get(0)
              .get(0, "valid_until"));
    }
  }

  /**
   * The listener's close can finish after refuseConnections returns; wait until the port refuses.
   */
  private static void awaitRefused(int port) throws InterruptedException {
    Await.until(
        "127.0.0.1:" + port + " refusing connections",
        () -> {
          try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return false;
          } catch (IOException refused) {
            return true;
          }
        });
  }
}
