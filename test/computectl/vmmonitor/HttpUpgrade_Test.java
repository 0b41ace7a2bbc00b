package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpUpgrade_Test {
  private static VmMonitor monitor;

  @BeforeAll
  static void startMonitor() {
    monitor =
        VmMonitor.start(
            new VmMonitorConfig(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                null,
                VmMonitorConfig.DEFAULT_CGROUP_ROOT,
                p -> true,
                () -> 4L << 30,
                System::nanoTime,
                Duration.ofMillis(100)));
  }

  @AfterAll
  static void stopMonitor() {
    monitor.stop();
  }

  @Test
  void acceptKey_matchesTheRfcExample() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", HttpUpgrade.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  @Test
  void upgrade_answers101WithoutSubprotocolOrExtensionsEvenWhenOffered() throws Exception {
    try (RawClient c = new RawClient(monitor.port())) {
      String head =
          c.upgrade(
              "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
              "Sec-WebSocket-Protocol: chat");
      assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
      String lower = head.toLowerCase(Locale.ROOT);
      assertTrue(lower.contains("\r\nupgrade: websocket\r\n"), head);
      assertTrue(lower.contains("\r\nconnection: upgrade\r\n"), head);
      assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
      assertFalse(lower.contains("sec-websocket-protocol"), head);
      assertFalse(lower.contains("sec-websocket-extensions"), head);
      c.text("{\"min\":1,\"max\":1}\n");
      RawClient.Frame f = c.readFrame();
      assertEquals("{\"version\":1}", f.text());
      assertFalse(f.masked(), "server frames are never masked");
      assertTrue(f.fin());
    }
  }

  @Test
  void request_otherPathIs404() throws Exception {
    assertStatus("GET /other HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 ");
    assertStatus("GET /monitor/x HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 ");
  }

  @Test
  void request_otherMethodIs405() throws Exception {
    String head =
        assertStatus(
            "POST /monitor HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 ");
    assertTrue(head.contains("\r\nAllow: GET\r\n"), head);
  }

  @Test
  void request_plainGetIsRefusedWith426() throws Exception {
    String head = assertStatus("GET /monitor HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 426 ");
    assertTrue(head.contains("\r\nUpgrade: websocket\r\n"), head);
  }

  @Test
  void request_otherWebSocketVersionIs426Naming13() throws Exception {
    String head =
        assertStatus(
            "GET /monitor HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n"
                + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: "
                + RawClient.KEY
                + "\r\n\r\n",
            "HTTP/1.1 426 ");
    assertTrue(head.contains("\r\nSec-WebSocket-Version: 13\r\n"), head);
  }

  @Test
  void request_badKeyIs400() throws Exception {
    assertStatus(
        "GET /monitor HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n",
        "HTTP/1.1 400 ");
    assertStatus(
        "GET /monitor HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n",
        "HTTP/1.1 400 ");
  }

  @Test
  void request_garbageAndOversizedHeadsAre400() throws Exception {
    assertStatus("HELLO\r\n\r\n", "HTTP/1.1 400 ");
    assertStatus("GET /monitor HTTP/1.1\r\nX: " + "a".repeat(9000) + "\r\n\r\n", "HTTP/1.1 400 ");
    assertStatus("GET /monitor HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400 ");
  }

  @Test
  void request_silentClientIsDroppedAfterTheReadTimeout() throws Exception {
    try (RawClient c = new RawClient(monitor.port())) {
      assertTrue(c.endsStream(), "the monitor hangs up on a client that sends nothing");
    }
  }

  private static String assertStatus(String request, String statusPrefix) throws Exception {
    try (RawClient c = new RawClient(monitor.port())) {
      String head = c.request(request);
      assertTrue(head.startsWith(statusPrefix), head);
      assertTrue(c.endsStream(), "the monitor closes after an error response");
      return head;
    }
  }
}
