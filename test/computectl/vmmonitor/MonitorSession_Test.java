package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.LocalCluster;
import computectl.testsupport.Fixtures;
import computectl.testsupport.TestPg;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whole agent connections against a monitor with a fake cgroup, MemTotal = 4 GiB, a fake clock and
 * a real Postgres for the file cache: the shared transcripts replayed message by message, plus the
 * failure cases around them.
 */
@Tag("e2e")
class MonitorSession_Test {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static LocalCluster pg;
  private FakeCgroup cgroup;
  private FakeClock clock;
  private VmMonitor monitor;

  private record Line(boolean fromAgent, String json) {}

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPg.newCluster();
    pg.appendConf("neon.max_file_cache_size = '16GB'\nneon.file_cache_size_limit = '1024MB'\n");
    pg.psql("postgres", "SELECT pg_reload_conf()");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

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

  private static String connstr() {
    return "host=127.0.0.1 port="
        + pg.port()
        + " dbname=postgres user=cloud_admin sslmode=disable application_name=vm-monitor";
  }

  private void start(String connstr, Duration pollInterval) {
    monitor =
        VmMonitor.start(
            new VmMonitorConfig(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FakeCgroup.NAME,
                connstr,
                cgroup.root,
                p -> true,
                () -> 4 * GIB,
                clock,
                pollInterval));
  }

  private void start() {
    start(connstr(), Duration.ofMillis(20));
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

  private static List<Line> transcript(String name) {
    List<Line> lines = new ArrayList<>();
    for (String l : Fixtures.read("vm-monitor/" + name).split("\n")) {
      if (l.startsWith("agent> ")) {
        lines.add(new Line(true, l.substring("agent> ".length())));
      } else if (l.startsWith("monitor> ")) {
        lines.add(new Line(false, l.substring("monitor> ".length())));
      }
    }
    return lines;
  }

  private interface Step {
    void run() throws Exception;
  }

  /**
   * Plays the transcript; monitor lines must arrive byte for byte; {@code before} runs steps first.
   */
  private static void replay(AgentClient agent, List<Line> lines, Map<Integer, Step> before)
      throws Exception {
    for (int i = 0; i < lines.size(); i++) {
      if (before.containsKey(i)) {
        before.get(i).run();
      }
      Line l = lines.get(i);
      if (l.fromAgent()) {
        agent.send(l.json());
      } else {
        assertEquals(l.json(), agent.next(), "transcript line " + (i + 1));
      }
    }
  }

  @Test
  void transcript01_connectHealthCheckUpscale() throws Exception {
    start();
    try (AgentClient agent = AgentClient.connect(monitor.port())) {
      replay(
          agent,
          transcript("01-connect-healthcheck-upscale.txt"),
          Map.of(
              2,
                  () -> {
                    SessionSnapshot s = awaitSession(SessionSnapshot::ready);
                    assertEquals(3650722201L, s.thresholdBytes());
                    assertEquals(3072 * MIB, s.fileCacheBytes());
                    assertEquals("3072", FileCache_Test.showLimit(pg, "3072"));
                  },
              4, () -> cgroup.setUsage(3584 * MIB),
              5,
                  () -> {
                    expectNoUpscale(agent);
                    clock.advance(Duration.ofMillis(999));
                    expectNoUpscale(agent);
                    clock.advance(Duration.ofMillis(1));
                  },
              8,
                  () -> {
                    assertEquals(4474273792L, monitor.session().orElseThrow().thresholdBytes());
                    assertEquals("3765", FileCache_Test.showLimit(pg, "3765"));
                  }));
      clock.advance(Duration.ofSeconds(2));
      expectNoUpscale(agent);
    }
  }

  @Test
  void transcript02_downscaleApprovedThenDenied() throws Exception {
    cgroup.setUsage(1792 * MIB);
    start();
    try (AgentClient agent = AgentClient.connect(monitor.port())) {
      replay(
          agent,
          transcript("02-downscale-approve-deny.txt"),
          Map.of(
              2, () -> awaitSession(s -> s.ready() && s.memorySamples() >= 5),
              4,
                  () -> {
                    assertEquals(2648912691L, monitor.session().orElseThrow().thresholdBytes());
                    assertEquals("2229", FileCache_Test.showLimit(pg, "2229"));
                  }));
      SessionSnapshot s = monitor.session().orElseThrow();
      assertEquals(2648912691L, s.thresholdBytes(), "a denial changes nothing");
      assertEquals(2229 * MIB, s.fileCacheBytes());
    }
  }

  @Test
  void transcript03_errorsAndNoticesKeepTheConnection() throws Exception {
    start();
    try (AgentClient agent = AgentClient.connect(monitor.port())) {
      replay(
          agent,
          transcript("03-errors-and-notices.txt"),
          Map.of(
              5, () -> cgroup.setUsage(4608 * MIB),
              9,
                  () -> {
                    // Once a read failed after the break, no sample can be taken (and stamped
                    // with the advanced clock) any more: the newest one goes stale.
                    long failed = monitor.session().orElseThrow().failedMemoryReads();
                    cgroup.breakMemoryStat();
                    awaitSession(s -> s.failedMemoryReads() > failed);
                    clock.advance(Duration.ofSeconds(6));
                  }));
      // Upstream drops the connection on "Reboot"; this port answers and carries on.
      assertEquals(
          "{\"type\":\"InvalidMessage\",\"error\":\"unknown message type"
              + " \\\"Reboot\\\"\",\"id\":8}",
          agent.next());
      agent.send("{\"content\":{},\"type\":\"HealthCheck\",\"id\":10}");
      assertEquals("{\"type\":\"HealthCheck\",\"id\":10}", agent.next());
    }
  }

  @Test
  void transcript04_versionMismatchIsAnsweredThenClosed() throws Exception {
    start();
    try (AgentClient agent = AgentClient.connect(monitor.port())) {
      replay(agent, transcript("04-version-mismatch.txt"), Map.of());
      agent.awaitEnd(Duration.ofSeconds(30));
    }
    AgentClient.handshaken(monitor.port()).close();
  }

  @Test
  void upscaleNotification_failsWithInternalErrorWhilePostgresIsDown() throws Exception {
    cgroup.setUsage(1792 * MIB);
    start();
    try (AgentClient agent = AgentClient.handshaken(monitor.port())) {
      awaitSession(s -> s.ready() && s.memorySamples() >= 2);
      pg.close();
      try {
        agent.send(
            "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":2}");
        assertEquals(
            "{\"type\":\"InternalError\",\"error\":\"failed to handle upscale\",\"id\":2}",
            agent.next());
        agent.send(
            "{\"content\":{\"target\":{\"cpu\":0.75,\"mem\":3221225472}},\"type\":\"DownscaleRequest\",\"id\":4}");
        assertEquals(
            "{\"type\":\"InternalError\",\"error\":\"failed to downscale\",\"id\":4}",
            agent.next());
        assertEquals(
            3650722201L,
            monitor.session().orElseThrow().thresholdBytes(),
            "threshold unchanged on failure");
        agent.send("{\"content\":{},\"type\":\"HealthCheck\",\"id\":6}");
        assertEquals("{\"type\":\"HealthCheck\",\"id\":6}", agent.next());
      } finally {
        pg.startServer();
      }
      agent.send(
          "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":8}");
      assertEquals(
          "{\"type\":\"UpscaleConfirmation\",\"id\":8}",
          agent.next(),
          "a new Postgres connection is made");
    }
  }

  @Test
  void connect_withPostgresUnreachableEndsAfterTheVersionReply() throws Exception {
    start("host=127.0.0.1 port=" + TestPg.freePort() + " user=cloud_admin", Duration.ofMillis(20));
    try (AgentClient agent = AgentClient.handshaken(monitor.port())) {
      assertTrue(agent.awaitEnd(Duration.ofSeconds(5)).startsWith("close 1011 "));
    }
  }

  @Test
  void downscale_isDeniedBeforeTheSecondSampleAndFailsOnStaleSamples() throws Exception {
    start(connstr(), Duration.ofHours(1));
    try (AgentClient agent = AgentClient.handshaken(monitor.port())) {
      awaitSession(s -> s.ready() && s.memorySamples() == 1);
      agent.send(
          "{\"content\":{\"target\":{\"cpu\":0.75,\"mem\":3221225472}},\"type\":\"DownscaleRequest\",\"id\":2}");
      assertEquals(
          "{\"type\":\"DownscaleResult\",\"Ok\":false,\"Status\":\"haven't received enough cgroup"
              + " memory stats yet\",\"id\":2}",
          agent.next());
      clock.advance(Duration.ofMillis(5001));
      agent.send(
          "{\"content\":{\"target\":{\"cpu\":0.75,\"mem\":3221225472}},\"type\":\"DownscaleRequest\",\"id\":4}");
      assertEquals(
          "{\"type\":\"InternalError\",\"error\":\"failed to downscale\",\"id\":4}", agent.next());
      agent.send("{\"content\":{},\"type\":\"HealthCheck\",\"id\":6}");
      assertEquals("{\"type\":\"HealthCheck\",\"id\":6}", agent.next());
      assertEquals(
          3072 * MIB,
          monitor.session().orElseThrow().fileCacheBytes(),
          "no SQL for a failed downscale");
    }
  }
}
