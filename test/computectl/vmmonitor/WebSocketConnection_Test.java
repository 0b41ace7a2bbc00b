package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Frame-level behaviour, driven by a raw client after a normal handshake. */
class WebSocketConnection_Test {
  private static final String HEALTH_CHECK = "{\"content\":{},\"type\":\"HealthCheck\",\"id\":2}\n";
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

  private static RawClient connected() throws Exception {
    RawClient c = new RawClient(monitor.port());
    c.handshake();
    return c;
  }

  /** The monitor's close frame, then the end of the stream. */
  private static void assertClosedWith(RawClient c, int code) throws Exception {
    RawClient.Frame f = c.readFrame();
    assertEquals(8, f.opcode(), "expected a close frame");
    assertEquals(code, f.closeCode());
    assertTrue(c.endsStream());
  }

  @Test
  void frame_unmaskedIsAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x81, false, HEALTH_CHECK.getBytes(StandardCharsets.UTF_8));
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void frame_reservedBitsAreAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0xC1, true, HEALTH_CHECK.getBytes(StandardCharsets.UTF_8));
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void frame_unknownOpcodeIsAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x83, true, new byte[] {1});
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void frame_continuationWithoutAMessageIsAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x80, true, "x".getBytes(StandardCharsets.UTF_8));
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void frame_oversizedControlFrameIsAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x89, true, new byte[126]);
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void message_largerThanTheLimitIsClosedWith1009BeforeItsPayload() throws Exception {
    try (RawClient c = connected()) {
      c.frameHeader(0x81, true, WebSocketConnection.MAX_MESSAGE_BYTES + 1L);
      assertClosedWith(c, 1009);
    }
  }

  @Test
  void message_fragmentsAddingUpOverTheLimitAreClosedWith1009() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x01, true, new byte[40_000]);
      c.frame(0x00, true, new byte[40_000]);
      assertClosedWith(c, 1009);
    }
  }

  @Test
  void message_invalidUtf8IsClosedWith1007() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x81, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
      assertClosedWith(c, 1007);
    }
  }

  @Test
  void message_fragmentedWithAPingInsideIsReassembled() throws Exception {
    try (RawClient c = connected()) {
      byte[] all = HEALTH_CHECK.getBytes(StandardCharsets.UTF_8);
      c.frame(0x01, true, java.util.Arrays.copyOfRange(all, 0, 10));
      c.frame(0x89, true, "hi".getBytes(StandardCharsets.UTF_8));
      c.frame(0x00, true, java.util.Arrays.copyOfRange(all, 10, 20));
      c.frame(0x80, true, java.util.Arrays.copyOfRange(all, 20, all.length));
      RawClient.Frame pong = c.readFrame();
      assertEquals(10, pong.opcode());
      assertEquals("hi", pong.text());
      assertEquals("{\"type\":\"HealthCheck\",\"id\":2}", c.readFrame().text());
    }
  }

  @Test
  void message_binaryIsSkipped() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x82, true, new byte[] {1, 2, 3});
      c.frame(0x8A, true, new byte[0]);
      c.text(HEALTH_CHECK);
      assertEquals("{\"type\":\"HealthCheck\",\"id\":2}", c.readFrame().text());
    }
  }

  @Test
  void close_isEchoedThenTheStreamEnds() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x88, true, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'});
      assertClosedWith(c, 1000);
    }
  }

  @Test
  void close_withInvalidCodeIsAProtocolError() throws Exception {
    try (RawClient c = connected()) {
      c.frame(0x88, true, new byte[] {0x03, (byte) 0xED});
      assertClosedWith(c, 1002);
    }
  }

  @Test
  void monitor_staysUsableAfterBrokenConnections() throws Exception {
    try (RawClient bad = connected()) {
      bad.frame(0x81, false, new byte[] {'x'});
      assertClosedWith(bad, 1002);
    }
    try (RawClient c = connected()) {
      c.text(HEALTH_CHECK);
      RawClient.Frame f = c.readFrame();
      assertEquals("{\"type\":\"HealthCheck\",\"id\":2}", f.text());
      assertFalse(f.masked());
    }
  }
}
