package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInFault;
import computectl.tar.HostileEntry;
import computectl.tar.TarWriter;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failure paths of the start: each ends in Failed with a readable error, its exit code, and no
 * Postgres left.
 */
@Tag("e2e")
class ComputeFailures_Test {
  private static final Map<String, String> NO_RETRIES =
      Map.of("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES", "0");

  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @AfterEach
  void healthyStandIns() throws Exception {
    fx.pageserver.fault(null);
    fx.pageserver.serveTar(fx.backup().tar());
    fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 0);
  }

  /**
   * Starts, waits for Failed, checks the error and the exit code, and that no Postgres runs in its
   * PGDATA.
   */
  private String expectFailure(
      SpecBuilder spec, ComputeFixture.Node node, Map<String, String> env, int exitCode)
      throws Exception {
    try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), env)) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"status\":\"failed\"") || s.contains("\"running\""),
              Duration.ofSeconds(90));
      assertTrue(status.contains("\"status\":\"failed\""), status);
      assertEquals(exitCode, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertNoPostgres(node);
      return status;
    }
  }

  static void assertNoPostgres(ComputeFixture.Node node) throws Exception {
    String needle = "-D\u0000" + node.pgdata();
    List<Long> left =
        ProcessHandle.allProcesses()
            .filter(
                h -> {
                  try {
                    return new String(
                            Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")),
                            StandardCharsets.UTF_8)
                        .contains(needle);
                  } catch (java.io.IOException e) {
                    return false;
                  }
                })
            .map(ProcessHandle::pid)
            .toList();
    assertEquals(List.of(), left, "no Postgres left running on " + node.pgdata());
  }

  @Test
  void pageserverDown_isRetriedThenStartsWhenItComesBack() throws Exception {
    fx.pageserver.failFirst(2, StandInFault.closeOnAccept());
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      assertTrue(
          cc.log().contains("(attempt 0/10)") && cc.log().contains("(attempt 1/10)"), cc.log());
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)));
    }
  }

  /**
   * An HTTP port taken by another process ends the start at once with exit 1 naming the port
   * (upstream ran on without that server); no Postgres is started.
   */
  @Test
  void httpPortTaken_exits1NamingThePort() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("::"), node.internalPort()));
      try (ComputeCtlProcess cc =
          fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
        assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
        assertTrue(
            cc.log()
                .contains(
                    "failed to bind the compute_ctl internal HTTP server to [::]:"
                        + node.internalPort()),
            cc.log());
        assertFalse(Files.exists(node.pgdata().resolve("postmaster.pid")), cc.log());
        assertNoPostgres(node);
      }
    }
  }

  /**
   * pg_config is read beside the HTTP servers' start; an unsupported version still ends the process
   * with exit 1 naming it, before any Postgres or PGDATA work.
   */
  @Test
  void unsupportedPostgresVersion_exits1NamingItBeforeTheStart() throws Exception {
    Path bin = TestPg.workDir("computectl-pgbin-");
    Files.createSymbolicLink(bin.resolve("postgres"), fx.pg.postgres());
    Path pgConfig = bin.resolve("pg_config");
    Files.writeString(pgConfig, "#!/bin/sh\necho 'PostgreSQL 13.9'\n");
    Files.setPosixFilePermissions(pgConfig, PosixFilePermissions.fromString("rwxr-xr-x"));
    RunAs.chownTree(TestPg.user(), bin);
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.startWithPgbin(node, ComputeFixture.write(fx.spec(node)), bin.resolve("postgres"))) {
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertTrue(
          cc.log()
              .contains(
                  "unsupported PostgreSQL version 'PostgreSQL 13.9' (supported: 14, 15, 16, 17)"),
          cc.log());
      assertFalse(cc.log().contains("Changing compute status from empty to init"), cc.log());
      assertFalse(Files.exists(node.pgdata().resolve("postmaster.pid")), cc.log());
      assertNoPostgres(node);
    }
  }

  @Test
  void pageserverNeverAnswers_failsWithExit1() throws Exception {
    fx.pageserver.fault(StandInFault.closeOnAccept());
    ComputeFixture.Node node = ComputeFixture.newNode();
    String status =
        expectFailure(
            fx.spec(node), node, Map.of("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES", "1"), 1);
    assertTrue(status.contains("failed to get basebackup@"), status);
  }

  @Test
  void startFailingBeforePostgres_stillSyncsSafekeepersOnShutdown() throws Exception {
    fx.pageserver.fault(StandInFault.closeOnAccept());
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), NO_RETRIES)) {
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(90)), cc.log());
      assertTrue(cc.log().contains("syncing safekeepers on shutdown"), cc.log());
      assertTrue(cc.log().contains("checking for core dumps"), cc.log());
    }
  }

  @Test
  void startFailingBeforePostgres_shutdownSyncFailing_exitsAtOnceWithoutGrace() throws Exception {
    fx.pageserver.fault(StandInFault.stallAfter(0));
    ComputeFixture.Node node = ComputeFixture.newNode();
    Map<String, String> env = new java.util.HashMap<>(NO_RETRIES);
    env.put("COMPUTE_CTL_BASEBACKUP_READ_TIMEOUT_SECONDS", "3");
    env.put("COMPUTE_CTL_EXIT_GRACE_SECONDS", "3600"); // an exit after the grace would time out
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env)) {
      awaitLog(cc, "safekeepers synced at LSN");
      fx.pg.configureShim("0/0", 3, 0); // the next sync, at shutdown, finds no quorum
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(90)), cc.log());
      assertTrue(cc.log().contains("failed to sync safekeepers on shutdown"), cc.log());
    }
  }

  private static void awaitLog(ComputeCtlProcess cc, String text) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!cc.log().contains(text)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no log line with '" + text + "':\n" + cc.log());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void syncSafekeepersFailing_failsWithItsStatusAndOutput_thenExitsAtOnce() throws Exception {
    fx.pg.configureShim("0/0", 3, 0);
    ComputeFixture.Node node = ComputeFixture.newNode();
    // As upstream: the shutdown sync that follows fails as well, which ends the process at once,
    // without the grace period (so /status is gone before a poll could read Failed).
    Map<String, String> env = Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", "3600");
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), env)) {
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(90)), cc.log());
      assertTrue(
          cc.log().contains("could not start the compute node: failed to sync safekeepers")
              && cc.log().contains("no quorum"),
          cc.log());
      assertTrue(cc.log().contains("failed to sync safekeepers on shutdown"), cc.log());
      assertNoPostgres(node);
    }
  }

  @Test
  void errorResponseMidStream_failsWithThePageserverError() throws Exception {
    fx.pageserver.fault(StandInFault.errorAfter(200_000));
    ComputeFixture.Node node = ComputeFixture.newNode();
    String status = expectFailure(fx.spec(node), node, NO_RETRIES, 1);
    assertTrue(status.contains(StandInFault.ERROR_TEXT), status);
  }

  @Test
  void truncatedStream_fails() throws Exception {
    fx.pageserver.fault(StandInFault.closeAfter(200_000));
    ComputeFixture.Node node = ComputeFixture.newNode();
    String status = expectFailure(fx.spec(node), node, NO_RETRIES, 1);
    assertTrue(status.contains("failed to get basebackup@"), status);
  }

  @Test
  void hostileTar_writesNothingOutsidePgdata() throws Exception {
    Path outside = TestPg.workDir("computectl-outside-");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(tar)) {
      w.writeDirectory("base", 0700, 0);
      w.writeSymlink("escape", outside.toString(), 0);
      w.writeFile("escape/owned.txt", 0600, 0, "pwned".getBytes(StandardCharsets.UTF_8));
    }
    fx.pageserver.serveTar(tar.toByteArray());
    ComputeFixture.Node node = ComputeFixture.newNode();
    String status = expectFailure(fx.spec(node), node, NO_RETRIES, 1);
    assertTrue(status.contains("escape"), status);
    try (var files = Files.list(outside)) {
      assertEquals(0, files.count(), "nothing written outside PGDATA");
    }

    ByteArrayOutputStream dotdot = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(dotdot)) {
      HostileEntry.write(
          w,
          "../" + outside.getFileName() + "/x",
          '0',
          "",
          3,
          "abc".getBytes(StandardCharsets.UTF_8));
    }
    fx.pageserver.serveTar(dotdot.toByteArray());
    ComputeFixture.Node node2 = ComputeFixture.newNode();
    status = expectFailure(fx.spec(node2), node2, NO_RETRIES, 1);
    assertTrue(status.contains(".."), status);
  }

  @Test
  void postgresFailingToStart_failsWithItsExitCode() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    SpecBuilder spec = fx.spec(node).setting("shared_buffers", "lots", "integer");
    String status = expectFailure(spec, node, Map.of(), 1);
    assertTrue(status.contains("Postgres exited unexpectedly with code 1"), status);
  }

  @Test
  void postgresKilledWhileRunning_computeCtlExits1AndLeavesNothing() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      cc.awaitStatus(s -> s.contains("\"running\""), Duration.ofSeconds(90));
      long pid =
          Long.parseLong(Files.readAllLines(node.pgdata().resolve("postmaster.pid")).get(0).trim());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 30), "processes left behind");
      assertNoPostgres(node);
    }
  }

  @Test
  void sigtermDuringTheSpecFetch_exits1AsUpstream() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().silent("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (cp.requests("compute-e2e") == 0 && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertEquals(1, cp.requests("compute-e2e"), "compute_ctl is waiting for its spec");
      cc.process().destroy();
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertTrue(cc.log().contains("received SIGTERM termination signal"), cc.log());
    }
  }

  @Test
  void sigterm_stopsPostgresAndExits1() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      cc.awaitStatus(s -> s.contains("\"running\""), Duration.ofSeconds(90));
      cc.process().destroy();
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertFalse(
          Files.exists(node.pgdata().resolve("postmaster.pid")),
          "fast shutdown removed postmaster.pid");
      assertNoPostgres(node);
    }
  }
}
