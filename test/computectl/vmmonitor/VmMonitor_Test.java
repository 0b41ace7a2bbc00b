package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Await;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server as compute_ctl sees it, without Postgres: connections, replacement, stopping, cgroup
 * modes.
 */
@Tag("e2e")
class VmMonitor_Test {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final String HEALTH_CHECK = "{\"content\":{},\"type\":\"HealthCheck\",\"id\":%d}";
  private static final String DOWNSCALE_TO_3GIB =
      "{\"content\":{\"target\":{\"cpu\":0.75,\"mem\":3221225472}},\"type\":\"DownscaleRequest\",\"id\":%d}";

  /** How long a connection may take to end: generous, for a loaded machine. */
  private static final Duration END_LIMIT = Duration.ofSeconds(30);

  private FakeCgroup cgroup;
  private FakeClock clock;
  private VmMonitor monitor;

  @BeforeEach
  void setUp() {
    cgroup = FakeCgroup.create(GIB);
    clock = new FakeClock();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (monitor != null) {
      monitor.stop();
    }
    cgroup.close();
  }

  private VmMonitorConfig config(String cgroupName) {
    return config(cgroupName, 0);
  }

  private VmMonitorConfig config(String cgroupName, int port) {
    return new VmMonitorConfig(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        cgroupName,
        null,
        cgroup.root,
        p -> true,
        () -> 4 * GIB,
        clock,
        Duration.ofMillis(20));
  }

  /**
   * No upscale request although the monitor decided twice since now (the first decision may have
   * read the clock before the caller changed it).
   */
  private void expectNoUpscale(AgentClient a) throws Exception {
    long checks = monitor.session().orElseThrow().upscaleChecks();
    awaitSession(s -> s.upscaleChecks() >= checks + 2);
    a.expectNothingSent();
  }

  private SessionSnapshot awaitSession(java.util.function.Predicate<SessionSnapshot> condition)
      throws Exception {
    CgroupWatcher_Test.waitFor(() -> monitor.session().filter(condition).isPresent());
    return monitor.session().orElseThrow();
  }

  private static long vmMonitorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("vm-monitor"))
        .count();
  }

  @Test
  void newConnection_replacesTheOldOneAndStartsAFreshSession() throws Exception {
    cgroup.setUsage(3584 * MIB);
    monitor = VmMonitor.start(config(FakeCgroup.NAME));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      assertEquals("{\"type\":\"UpscaleRequest\",\"id\":3}", a.next());
      a.send(
          "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":2}");
      assertEquals("{\"type\":\"UpscaleConfirmation\",\"id\":2}", a.next());
      assertEquals(4474273792L, monitor.session().orElseThrow().thresholdBytes());
      clock.advance(Duration.ofSeconds(2));
      expectNoUpscale(a);

      try (RawClient plain = new RawClient(monitor.port())) {
        assertTrue(
            plain.request("GET /monitor HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 426 "));
      }
      a.send(String.format(HEALTH_CHECK, 4));
      assertEquals(
          "{\"type\":\"HealthCheck\",\"id\":4}",
          a.next(),
          "a plain GET does not disturb the agent");

      try (AgentClient b = AgentClient.handshaken(monitor.port())) {
        a.awaitEnd(END_LIMIT);
        assertEquals(
            "{\"type\":\"UpscaleRequest\",\"id\":3}", b.next(), "ids and threshold start over");
        SessionSnapshot s = monitor.session().orElseThrow();
        assertEquals(2, s.connection());
        assertEquals(3650722201L, s.thresholdBytes());
        b.send(String.format(HEALTH_CHECK, 2));
        assertEquals("{\"type\":\"HealthCheck\",\"id\":2}", b.next());
      }
    }
  }

  @Test
  void upscaleRequests_comeAtMostOncePerSecondWithOddIds() throws Exception {
    monitor = VmMonitor.start(config(FakeCgroup.NAME));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      awaitSession(SessionSnapshot::ready);
      expectNoUpscale(a);
      cgroup.setUsage(3650722201L);
      assertEquals(
          "{\"type\":\"UpscaleRequest\",\"id\":3}", a.next(), "mean == threshold is enough");
      for (int id = 5; id <= 9; id += 2) {
        clock.advance(Duration.ofMillis(999));
        expectNoUpscale(a);
        clock.advance(Duration.ofMillis(1));
        assertEquals("{\"type\":\"UpscaleRequest\",\"id\":" + id + "}", a.next());
      }
      cgroup.setUsage(3650722200L);
      CgroupWatcher_Test.waitFor(() -> monitor.session().orElseThrow().meanBytes() == 3650722200L);
      clock.advance(Duration.ofSeconds(5));
      expectNoUpscale(a);
    }
  }

  @Test
  void messages_invalidOnesAreAnsweredAndTheConnectionStays() throws Exception {
    monitor = VmMonitor.start(config(null));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      a.send("{\"content\":{},\"type\":\"Reboot\",\"id\":6}");
      assertEquals(
          "{\"type\":\"InvalidMessage\",\"error\":\"unknown message type"
              + " \\\"Reboot\\\"\",\"id\":6}",
          a.next());
      a.send("not json");
      assertTrue(
          a.next()
              .matches(
                  "\\{\"type\":\"InvalidMessage\",\"error\":\"message is not valid JSON:"
                      + " .*\",\"id\":0}"));
      a.send("{\"type\":\"HealthCheck\",\"id\":8}");
      assertEquals(
          "{\"type\":\"InvalidMessage\",\"error\":\"HealthCheck message has no \\\"content\\\""
              + " object\",\"id\":8}",
          a.next());
      a.send("{\"content\":{},\"type\":\"HealthCheck\",\"id\":-1}");
      assertEquals(
          "{\"type\":\"InvalidMessage\",\"error\":\"message: \\\"id\\\" must be an unsigned"
              + " integer, not -1\",\"id\":0}",
          a.next());
      a.send("{\"content\":{\"error\":\"x\"},\"type\":\"InvalidMessage\",\"id\":3}");
      a.send("{\"content\":{\"error\":\"y\"},\"type\":\"InternalError\",\"id\":5}");
      a.sendBinary(new byte[] {1, 2, 3});
      assertEquals("ping-1", a.ping("ping-1"));
      a.send(String.format(HEALTH_CHECK, 10));
      assertEquals(
          "{\"type\":\"HealthCheck\",\"id\":10}", a.next(), "notices and binary get no reply");
    }
  }

  @Test
  void handshake_versionsTwoAndAboveGetAnErrorAndTheMonitorLives() throws Exception {
    monitor = VmMonitor.start(config(null));
    try (AgentClient a = AgentClient.connect(monitor.port())) {
      a.send("{\"min\":2,\"max\":3}");
      assertEquals(
          "{\"error\":\"Received protocol version range <unknown: 2> to <unknown: 3> which does not"
              + " overlap with v1.0\"}",
          a.next());
      assertEquals("close 1002 protocol version negotiation failed", a.awaitEnd(END_LIMIT));
    }
    try (AgentClient a = AgentClient.connect(monitor.port())) {
      a.send("{\"min\":1,\"max\":5}");
      assertEquals("{\"version\":1}", a.next());
    }
  }

  @Test
  void handshake_unreadableRangesGetAnErrorAndAClose() throws Exception {
    monitor = VmMonitor.start(config(null));
    String[][] cases = {
      {
        "{\"min\":1,\"max\":0}",
        "{\"error\":\"invalid protocol version range: min (1) is greater than max (0)\"}"
      },
      {
        "{\"min\":1,\"max\":256}",
        "{\"error\":\"protocol version range: \\\"max\\\" must be an integer from 0 to 255, not"
            + " 256\"}"
      },
      {
        "{\"content\":{},\"type\":\"HealthCheck\",\"id\":2}",
        "{\"error\":\"protocol version range has no \\\"min\\\"\"}"
      },
    };
    for (String[] c : cases) {
      try (AgentClient a = AgentClient.connect(monitor.port())) {
        a.send(c[0]);
        assertEquals(c[1], a.next());
        a.awaitEnd(END_LIMIT);
      }
    }
    try (AgentClient a = AgentClient.connect(monitor.port())) {
      a.sendBinary(new byte[] {1});
      assertEquals(
          "{\"error\":\"expected the protocol version range as a text message, got a binary"
              + " message\"}",
          a.next());
      a.awaitEnd(END_LIMIT);
    }
  }

  @Test
  void handshake_silentAgentIsClosedAfterFourSeconds() throws Exception {
    monitor = VmMonitor.start(config(null));
    // The budget is upstream's 4 s; how long the close took is not measured (no wall-clock
    // assertion: a loaded machine stretches it), only that the silence ends the connection.
    assertEquals(4_000_000_000L, MonitorSession.INIT_BUDGET_NANOS);
    try (AgentClient a = AgentClient.connect(monitor.port())) {
      assertEquals(
          "close 1008 timed out waiting for the protocol version range",
          a.awaitEnd(Duration.ofSeconds(60)));
    }
  }

  @Test
  void cgroup_withoutMemoryControllerKeepsTheConnectionButDeniesDownscale() throws Exception {
    Files.writeString(cgroup.root.resolve("cgroup.controllers"), "cpu io pids\n");
    cgroup.setUsage(3584 * MIB);
    monitor = VmMonitor.start(config(FakeCgroup.NAME));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      SessionSnapshot s = awaitSession(SessionSnapshot::ready);
      String problem =
          "could not find memory subsystem in " + cgroup.root.resolve("cgroup.controllers");
      assertEquals(problem, s.cgroupProblem());
      a.send(String.format(DOWNSCALE_TO_3GIB, 2));
      assertEquals(
          "{\"type\":\"DownscaleResult\",\"Ok\":false,\"Status\":\"cgroup memory stats unavailable:"
              + " "
              + problem
              + "\",\"id\":2}",
          a.next());
      a.send(
          "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":4}");
      assertEquals("{\"type\":\"UpscaleConfirmation\",\"id\":4}", a.next());
      clock.advance(Duration.ofSeconds(2));
      a.expectNothing(Duration.ofMillis(200));
    }
  }

  @Test
  void cgroup_missingDirectoryKeepsTheConnectionButDeniesDownscale() throws Exception {
    monitor = VmMonitor.start(config("no-such-cgroup"));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      SessionSnapshot s = awaitSession(SessionSnapshot::ready);
      assertTrue(
          s.cgroupProblem().startsWith("cgroup \"no-such-cgroup\" does not exist"),
          s.cgroupProblem());
      a.send(String.format(DOWNSCALE_TO_3GIB, 2));
      assertTrue(
          a.next()
              .contains(
                  "\"Ok\":false,\"Status\":\"cgroup memory stats unavailable: cgroup"
                      + " \\\"no-such-cgroup\\\""));
    }
  }

  @Test
  void cgroup_missingMemoryStatReadsAsZeroSoDownscalesPass() throws Exception {
    cgroup.removeMemoryStat();
    monitor = VmMonitor.start(config(FakeCgroup.NAME));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      awaitSession(s -> s.ready() && s.memorySamples() >= 2);
      a.send(String.format(DOWNSCALE_TO_3GIB, 2));
      assertEquals(
          "{\"type\":\"DownscaleResult\",\"Ok\":true,\"Status\":\"set cgroup memory threshold from"
              + " 3481.6 MiB to 2526.2 MiB, of new total 2972 MiB\",\"id\":2}",
          a.next());
    }
  }

  @Test
  void downscale_withNeitherCgroupNorFileCacheIsApproved() throws Exception {
    monitor = VmMonitor.start(config(null));
    try (AgentClient a = AgentClient.handshaken(monitor.port())) {
      a.send(String.format(DOWNSCALE_TO_3GIB, 2));
      assertEquals(
          "{\"type\":\"DownscaleResult\",\"Ok\":true,\"Status\":\"monitor is not managing cgroup or"
              + " file cache\",\"id\":2}",
          a.next());
      a.send(
          "{\"content\":{\"granted\":{\"cpu\":1,\"mem\":4294967296}},\"type\":\"UpscaleNotification\",\"id\":4}");
      assertEquals("{\"type\":\"UpscaleConfirmation\",\"id\":4}", a.next());
    }
  }

  @Test
  void upgradeRequestTricklingIn_isCutAtItsDeadline_andAgentsStillConnect() throws Exception {
    monitor = VmMonitor.start(config(null), Duration.ofSeconds(1));
    try (java.net.Socket s =
        new java.net.Socket(InetAddress.getLoopbackAddress(), monitor.port())) {
      s.getOutputStream()
          .write(
              "GET /monitor HTTP/1.1\r\nHost: vm\r\nX-Slow: "
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.setSoTimeout(200);
      String outcome = "still open after 10 s";
      // A byte every 200 ms: each read is far within the 4 s read timeout; only the deadline cuts
      // it.
      for (int i = 0; i < 50; i++) {
        try {
          s.getOutputStream().write('x');
          if (s.getInputStream().read() < 0) {
            outcome = "closed";
            break;
          }
        } catch (java.net.SocketTimeoutException e) {
          // No answer within 200 ms: still open, so the next byte goes out.
        } catch (java.io.IOException e) {
          outcome = "closed";
          break;
        }
      }
      assertEquals("closed", outcome);
    }
    AgentClient a = AgentClient.handshaken(monitor.port());
    a.close();
  }

  @Test
  void stop_endsEveryThreadAndFreesThePort() throws Exception {
    long before = vmMonitorThreads();
    // A reserved port: after the stop it must refuse, and a port from the kernel could be handed
    // to another listener meanwhile (see Ports).
    VmMonitor m = VmMonitor.start(config(FakeCgroup.NAME, TestPg.freePort()));
    int port = m.port();
    AgentClient a = AgentClient.handshaken(port);
    RawClient pending = new RawClient(port);
    CgroupWatcher_Test.waitFor(() -> m.session().filter(SessionSnapshot::ready).isPresent());
    assertTrue(vmMonitorThreads() >= before + 4, "accept, upgrade, session, reader, cgroup");
    m.stop();
    assertEquals("close 1001 vm-monitor is stopping", a.awaitEnd(END_LIMIT));
    Await.until("every vm-monitor thread ended", () -> vmMonitorThreads() == before);
    assertTrue(pending.endsStream());
    assertThrows(
        ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    a.close();
    pending.close();
  }

  @Test
  void startIfAutoscaling_createsNothingWithoutTheVariable() throws Exception {
    long before = vmMonitorThreads();
    int port = TestPg.freePort();
    VmMonitorConfig c =
        VmMonitorConfig.of(
            "127.0.0.1:" + port, "neon-postgres", VmMonitorConfig.DEFAULT_FILECACHE_CONNSTR);
    assertEquals(Optional.empty(), VmMonitor.startIfAutoscaling(Map.of("PATH", "/bin"), c));
    assertEquals(before, vmMonitorThreads());
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertEquals(port, s.getLocalPort(), "the port was never taken");
    }
    Optional<VmMonitor> started = VmMonitor.startIfAutoscaling(Map.of("AUTOSCALING", ""), c);
    try {
      assertTrue(started.isPresent(), "presence counts, even empty");
      assertEquals(port, started.get().port());
    } finally {
      started.ifPresent(VmMonitor::stop);
    }
  }

  @Test
  void start_namesTheAddressWhenItCannotListen() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      VmMonitorConfig c = VmMonitorConfig.of("127.0.0.1:" + taken.getLocalPort(), null, null);
      String msg = assertThrows(VmMonitorException.class, () -> VmMonitor.start(c)).getMessage();
      assertTrue(
          msg.startsWith("vm-monitor cannot listen on /127.0.0.1:" + taken.getLocalPort() + ": "),
          msg);
    }
  }

  @Test
  void parseAddress_acceptsLiteralIpAndPortOnly() {
    assertEquals(
        new InetSocketAddress("0.0.0.0", 10301),
        VmMonitorConfig.parseAddress(VmMonitorConfig.DEFAULT_ADDRESS));
    assertEquals(10301, VmMonitorConfig.parseAddress("[::1]:10301").getPort());
    for (String bad :
        new String[] {
          "localhost:10301", "10301", "1.2.3.4", "1.2.3.4:70000", "1.2.3.256:1", ":10301"
        }) {
      assertEquals(
          "invalid --vm-monitor-addr \""
              + bad
              + "\": expected a literal IP:port such as 0.0.0.0:10301",
          assertThrows(VmMonitorException.class, () -> VmMonitorConfig.parseAddress(bad))
              .getMessage());
    }
  }

  @Test
  void config_hidesThePasswordAndChecksTheConnstr() {
    VmMonitorConfig c =
        VmMonitorConfig.of("127.0.0.1:0", "neon-postgres", "host=h password=s3cret user=u");
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertThrows(VmMonitorException.class, () -> VmMonitorConfig.of("127.0.0.1:0", null, "host"));
    assertNull(VmMonitorConfig.of("127.0.0.1:0", null, null).filecacheConnstr());
  }

  @Test
  void defaults_areUpstreams() throws IOException {
    VmMonitorConfig c =
        VmMonitorConfig.of(
            VmMonitorConfig.DEFAULT_ADDRESS,
            VmMonitorConfig.DEFAULT_CGROUP,
            VmMonitorConfig.DEFAULT_FILECACHE_CONNSTR);
    assertEquals(10301, c.address().getPort());
    assertEquals("neon-postgres", c.cgroup());
    assertEquals(Duration.ofMillis(100), c.pollInterval());
    assertEquals(java.nio.file.Path.of("/sys/fs/cgroup"), c.cgroupRoot());
    assertTrue(c.totalMemoryBytes().getAsLong() > 0);
  }
}
