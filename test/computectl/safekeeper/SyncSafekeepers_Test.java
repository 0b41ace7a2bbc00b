package computectl.safekeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.StartupMetrics;
import computectl.postgres.PgCommand;
import computectl.spec.Lsn;
import computectl.standin.PgInstall;
import computectl.testsupport.TestPg;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Against the installation's --sync-safekeepers shim (PgInstall), run as the Postgres user. */
@Tag("e2e")
class SyncSafekeepers_Test {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static PgInstall install;
  private static Path pgdata;
  private final ChildProcesses children = new ChildProcesses();
  private final StartupMetrics metrics = new StartupMetrics();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp() {
    install = TestPg.install();
    pgdata = TestPg.workDir("sync-sk-");
  }

  @AfterAll
  static void restoreShim() throws Exception {
    Files.deleteIfExists(install.shimSettings());
    Files.deleteIfExists(pgdata);
  }

  private SyncSafekeepers sync() {
    PgCommand cmd =
        new PgCommand(
            install.postgres().toString(), false, RunAs.command(TestPg.user(), List.of()));
    return new SyncSafekeepers(cmd, pgdata, children, metrics).withLogSink(logs::add);
  }

  @Test
  void run_returnsTheLsnPrintedOnStdoutAndRecordsItsDuration() throws Exception {
    install.configureShim("0/16B3748", 0, 0.2);
    Lsn lsn = assertTimeoutPreemptively(LIMIT, () -> sync().run(null));
    assertEquals(Lsn.parse("0/16B3748"), lsn);
    assertTrue(metrics.get(StartupMetrics.Field.SYNC_SAFEKEEPERS_MS) >= 200, metrics.toJson());
  }

  @Test
  void run_passesPgdataAndTokenAndForwardsStderrAsPostgresLogs() throws Exception {
    install.configureShim("0/1", 0, 0);
    assertTimeoutPreemptively(LIMIT, () -> sync().run("a-token"));
    assertEquals(List.of("PG:sync-safekeepers stand-in: PGDATA=" + pgdata + " token=set\n"), logs);
    logs.clear();
    assertTimeoutPreemptively(LIMIT, () -> sync().run(null));
    assertEquals(List.of("PG:sync-safekeepers stand-in: PGDATA=" + pgdata + " token=\n"), logs);
  }

  @Test
  void run_nonZeroExitGivesStatusAndStdout() throws Exception {
    install.configureShim("0/1", 3, 0);
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> assertTimeoutPreemptively(LIMIT, () -> sync().run(null)));
    assertEquals(
        "postgres --sync-safekeepers exited with non-zero status: exit status: 3. stdout: no"
            + " quorum\n",
        e.getMessage());
    assertEquals(0, metrics.get(StartupMetrics.Field.SYNC_SAFEKEEPERS_MS));
    assertEquals(1, logs.size(), "both stderr lines arrive together: " + logs);
  }

  @Test
  void run_textThatIsNoLsnIsAClearError() throws Exception {
    install.configureShim("not-an-lsn", 0, 0);
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> assertTimeoutPreemptively(LIMIT, () -> sync().run(null)));
    assertEquals(
        "postgres --sync-safekeepers printed no valid LSN on stdout: 'not-an-lsn'", e.getMessage());
  }

  @Test
  void run_deadlineKillsAHangingSync() throws Exception {
    install.configureShim("0/1", 0, 20);
    long started = System.nanoTime();
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () ->
                assertTimeoutPreemptively(
                    LIMIT, () -> sync().withDeadline(Duration.ofMillis(300)).run(null)));
    assertEquals(
        "postgres --sync-safekeepers did not finish within 300 ms; it was killed", e.getMessage());
    assertTrue(System.nanoTime() - started < 5_000_000_000L, "killed, not waited for");
    assertNull(children.find(SyncSafekeepers.PROCESS_NAME));
  }

  @Test
  void run_registersTheChildSoASignalHandlerCanTerminateIt() throws Exception {
    install.configureShim("0/1", 0, 1);
    CompletableFuture<Lsn> running = CompletableFuture.supplyAsync(() -> sync().run(null));
    Process child = null;
    for (int i = 0; i < 200 && child == null; i++) {
      Thread.sleep(10);
      child = children.find(SyncSafekeepers.PROCESS_NAME);
    }
    assertNotNull(child, "registered under " + SyncSafekeepers.PROCESS_NAME);
    assertTrue(ChildProcesses.signal(child.pid(), "TERM"));
    Throwable e =
        assertThrows(
                Exception.class,
                () -> running.get(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
            .getCause();
    assertEquals(
        "postgres --sync-safekeepers exited with non-zero status: signal: 15 (SIGTERM). stdout: ",
        e.getMessage());
  }

  @Test
  void run_autoscalingWrapsInCgexec() {
    PgCommand cmd =
        new PgCommand(install.postgres().toString(), true, List.of("/nonexistent/prefix"));
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> new SyncSafekeepers(cmd, pgdata, children, metrics).run(null));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot start postgres --sync-safekeepers (/nonexistent/prefix cgexec -g "
                    + "memory:neon-postgres "
                    + install.postgres()
                    + " --sync-safekeepers): "),
        e.getMessage());
  }
}
