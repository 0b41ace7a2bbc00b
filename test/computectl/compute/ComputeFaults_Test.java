package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInFault;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults of the peers and of Postgres that ComputeFailures_Test does not cover: a stalling or
 * garbage-sending pageserver, a hanging sync-safekeepers, Postgres crashing during configuration,
 * and SIGTERM in each startup phase. Each ends in a documented status and exit code
 * (docs/reliability.md), and with no process of the compute left behind.
 */
@Tag("e2e")
class ComputeFaults_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @AfterEach
  void healthyStandIns() throws Exception {
    fx.pageserver.fault(null);
    fx.pageserver.queryDelay(0);
    fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 0);
  }

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES", "0"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * Waits for Failed, then for the exit; checks the code and that nothing of the compute is left.
   */
  private static String failedWith(ComputeCtlProcess cc, ComputeFixture.Node node, int exitCode)
      throws Exception {
    String status =
        cc.awaitStatus(
            s -> s.contains("\"status\":\"failed\"") || s.contains("\"running\""),
            Duration.ofSeconds(90));
    assertTrue(status.contains("\"status\":\"failed\""), status);
    assertEquals(exitCode, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 15), "processes left behind");
    return status;
  }

  private static void await(String what, BooleanSupplier condition, ComputeCtlProcess cc)
      throws InterruptedException {
    long until = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until || !cc.process().isAlive()) {
        throw new AssertionError("never saw " + what + "\n" + cc.log());
      }
      Thread.sleep(50);
    }
  }

  /** SIGTERM: exit 1 (behaviour.md 11.2), Postgres stopped first, nothing left. */
  private static void terminate(ComputeCtlProcess cc, ComputeFixture.Node node) throws Exception {
    cc.process().destroy();
    assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    assertTrue(cc.log().contains("received SIGTERM termination signal"), cc.log());
    assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 15), "processes left behind");
    assertFalse(Files.exists(node.pgdata().resolve("postmaster.pid")), "Postgres was stopped");
  }

  private static boolean postgresReady(ComputeFixture.Node node) {
    try {
      List<String> lines = Files.readAllLines(node.pgdata().resolve("postmaster.pid"));
      return !lines.isEmpty() && lines.get(lines.size() - 1).trim().equals("ready");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** A spec whose configuration takes seconds: many databases to create. */
  private static SpecBuilder slowToConfigure(ComputeFixture.Node node) {
    SpecBuilder spec = fx.spec(node).role("owner", null);
    for (int i = 0; i < 25; i++) {
      spec.database("db_" + i, "owner");
    }
    return spec;
  }

  @Test
  void pageserverStalling_readDeadlineFailsTheStart() throws Exception {
    fx.pageserver.fault(StandInFault.stallAfter(100_000));
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of(),
            env(Setting.BASEBACKUP_READ_TIMEOUT_SECONDS.variable(), "2"))) {
      String status = failedWith(cc, node, 1);
      assertTrue(
          status.contains("failed to get basebackup@") && status.contains("timed out reading from"),
          status);
    }
  }

  @Test
  void pageserverSendingGarbage_failsNamingIt() throws Exception {
    fx.pageserver.fault(StandInFault.garbageAfter(100_000));
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env())) {
      String status = failedWith(cc, node, 1);
      assertTrue(
          status.contains("failed to get basebackup@")
              && status.contains("garbage on the connection"),
          status);
    }
  }

  @Test
  void syncSafekeepersHanging_isKilledAtItsDeadline() throws Exception {
    fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 600);
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of(),
            env(Setting.SYNC_SAFEKEEPERS_DEADLINE_SECONDS.variable(), "2"))) {
      String status = failedWith(cc, node, 1);
      assertTrue(
          status.contains(
              "failed to sync safekeepers: postgres --sync-safekeepers did not finish within 2000"
                  + " ms; it was killed"),
          status);
    }
  }

  @Test
  void syncSafekeepersHangingAtShutdown_isKilledAndTheExitSaysSo() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of(),
            env(Setting.SYNC_SAFEKEEPERS_DEADLINE_SECONDS.variable(), "2"))) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 600);
      try {
        cc.post("/terminate", "", Duration.ofSeconds(60));
      } catch (java.io.IOException e) {
        // /terminate answers once the compute is terminated, which a failed sync never lets it be:
        // the process exits with the request still open.
      }
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertTrue(
          cc.log()
              .contains(
                  "failed to sync safekeepers on shutdown: postgres --sync-safekeepers did not"
                      + " finish within 2000 ms; it was killed"),
          cc.log());
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 15), "processes left behind");
    }
  }

  /**
   * A backend crash in the middle of reconciliation (SIGKILL of compute_ctl's own backend, as a
   * segfault would end it): Postgres restarts its backends, the statement fails, the start fails
   * and compute_ctl stops Postgres with SIGQUIT.
   */
  @Test
  void postgresCrashingDuringConfiguration_failsAndStopsPostgres() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(slowToConfigure(node)), List.of(), env())) {
      await("Postgres ready while configuring", () -> postgresReady(node), cc);
      long backend;
      try (Connection c = DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
          Statement s = c.createStatement()) {
        await(
            "a few databases created",
            () -> count(s, "select count(*) from pg_database where datname like 'db\\_%'") >= 3,
            cc);
        // Between two statements compute_ctl's backend is idle for an instant, and a backend
        // seen busy may have ended (its connection closed) by the time the signal is sent: look
        // again until a busy one is still there to be killed.
        long postmaster = postmasterPid(node);
        long[] killed = new long[1];
        await(
            "compute_ctl's backend killed while running a statement",
            () ->
                (killed[0] =
                            count(
                                s,
                                "select pid from pg_stat_activity where application_name like"
                                    + " 'compute_ctl%' and state = 'active' and pid <>"
                                    + " pg_backend_pid() limit 1"))
                        > 0
                    && killChildOf(postmaster, killed[0]),
            cc);
        backend = killed[0];
      }
      String status = failedWith(cc, node, 1);
      assertTrue(
          status.contains("\"error\":\"") && cc.log().contains("could not start the compute node"),
          status);
      // Postgres logs the backend's death unless compute_ctl's SIGQUIT reaches the postmaster
      // first; either way compute_ctl saw its connection break.
      assertTrue(
          cc.log().contains("server process (PID " + backend + ") was terminated by signal 9")
              || cc.log().contains("An I/O error occurred while sending to the backend"),
          cc.log());
    }
  }

  private static long postmasterPid(ComputeFixture.Node node) throws java.io.IOException {
    return Long.parseLong(
        Files.readAllLines(node.pgdata().resolve("postmaster.pid")).get(0).trim());
  }

  /** SIGKILL for {@code pid} if it is still a child of the postmaster (not a reused pid). */
  private static boolean killChildOf(long postmaster, long pid) {
    return ProcessHandle.of(pid)
        .filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == postmaster)
        .map(ProcessHandle::destroyForcibly)
        .orElse(false);
  }

  private static long count(Statement s, String sql) {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      return -1;
    }
  }

  @Test
  void sigtermWhileWaitingForSpec_exits1() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), env())) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      terminate(cc, node);
    }
  }

  @Test
  void sigtermDuringSyncSafekeepers_stopsTheSyncAndExits1() throws Exception {
    fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 600);
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env())) {
      await("sync-safekeepers running", () -> !Orphans.of(node.pgdata()).isEmpty(), cc);
      terminate(cc, node);
    }
  }

  @Test
  void sigtermDuringBasebackup_exits1WithoutStartingPostgres() throws Exception {
    fx.pageserver.fault(StandInFault.stallAfter(100_000));
    int before = fx.pageserver.connectionCount();
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env())) {
      await(
          "the basebackup under way",
          () ->
              fx.pageserver.connectionCount() > before
                  && Files.exists(node.pgdata().resolve("PG_VERSION")),
          cc);
      terminate(cc, node);
    }
  }

  @Test
  void sigtermDuringConfiguration_stopsPostgresAndExits1() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(slowToConfigure(node)), List.of(), env())) {
      await("Postgres ready while configuring", () -> postgresReady(node), cc);
      assertTrue(cc.get("/status").body().contains("\"status\":\"init\""));
      terminate(cc, node);
    }
  }

  @Test
  void pageserverNeverFinishing_attemptDeadlineFailsTheStart() throws Exception {
    fx.pageserver.fault(StandInFault.stallAfter(100_000));
    ComputeFixture.Node node = ComputeFixture.newNode();
    // An hour's read timeout: if the start fails within failedWith's wait, the deadline ended it.
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of(),
            env(
                Setting.BASEBACKUP_READ_TIMEOUT_SECONDS.variable(),
                "3600",
                Setting.BASEBACKUP_DEADLINE_SECONDS.variable(),
                "2"))) {
      String status = failedWith(cc, node, 1);
      assertTrue(status.contains("timed out reading from"), status);
    }
  }

  /**
   * Control-plane faults end before the HTTP API starts: exit 1, nothing started (behaviour.md
   * 3.2).
   */
  private static String controlPlaneFailure(
      ControlPlaneStandIn cp, int expectedRequests, Map<String, String> env) throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, null, List.of("--control-plane-uri", cp.uri()), env)) {
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertEquals(expectedRequests, cp.requests("compute-e2e"), cc.log());
      assertTrue(
          cc.log()
              .contains(
                  "neither spec nor confirmation that compute is in the Empty state was received"),
          cc.log());
      assertFalse(Files.exists(node.pgdata()), "nothing was started");
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 15));
      return cc.log();
    }
  }

  @Test
  void controlPlane500_failsAtOnceWithExit1() throws Exception {
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().failing("compute-e2e", 500)) {
      String log = controlPlaneFailure(cp, 1, env());
      assertTrue(
          log.contains("unexpected control plane response status code: 500 Internal Server Error"),
          log);
    }
  }

  @Test
  void controlPlane503_isRetriedThriceThenExit1() throws Exception {
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().failing("compute-e2e", 503)) {
      String log = controlPlaneFailure(cp, 3, env());
      assertTrue(
          log.contains("control plane is temporarily unavailable")
              && log.contains("Exhausted all attempts to retrieve the spec from the control plane"),
          log);
    }
  }

  @Test
  void controlPlaneTimingOut_isRetriedThriceThenExit1() throws Exception {
    // Each attempt's timeout starts before its connection is made, and on a loaded machine a fresh
    // JVM's first request can take a second to be written: 5 s per attempt lets every attempt
    // reach the stand-in, so that it counts all three.
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().silent("compute-e2e")) {
      String log =
          controlPlaneFailure(cp, 3, env(Setting.CONTROL_PLANE_TIMEOUT_SECONDS.variable(), "5"));
      assertTrue(
          log.contains(
              "could not perform spec request to control plane: request timed out after 5 s"),
          log);
    }
  }

  @Test
  void controlPlaneWrongShape_isRetriedThriceThenExit1() throws Exception {
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start()
            .reply(
                "compute-e2e",
                200,
                "{\"spec\":[1,2,3],\"status\":\"attached\",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}")) {
      String log = controlPlaneFailure(cp, 3, env());
      assertTrue(
          log.contains(
              "could not deserialize control plane response: spec: expected an object, got an"
                  + " array"),
          log);
    }
  }

  /**
   * PGDATA on a 4 MiB tmpfs: postgresql.conf fits, the basebackup does not. The start fails naming
   * the entry that did not fit; nothing is left running.
   */
  @Test
  void pgdataOnAFullFilesystem_failsNamingTheFileThatDidNotFit() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    Path home = node.pgdata().getParent();
    String owner =
        TestPg.user() == null
            ? ""
            : ",uid=" + id("-u", TestPg.user()) + ",gid=" + id("-g", TestPg.user());
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700" + owner, "tmpfs", home.toString())
            == 0,
        "skipped: cannot mount a small tmpfs here (needs root and mount rights)");
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env())) {
      String status = failedWith(cc, node, 1);
      assertTrue(status.contains("No space left on device"), status);
    } finally {
      assertEquals(0, run("umount", home.toString()), "unmounted the tmpfs");
    }
  }

  private static String id(String flag, String user) throws Exception {
    Process p = new ProcessBuilder("id", flag, user).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .trim();
    p.waitFor();
    return out;
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}
