package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.TestPg;
import computectl.util.ChildProcesses;
import computectl.util.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class Prewarm_Test {
  private final ChildProcesses children = new ChildProcesses();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  private static PgCommand command() {
    return new PgCommand(
        TestPg.install().postgres().toString(), false, RunAs.command(TestPg.user(), List.of()));
  }

  @Test
  void conf_isUpstreamsThreeLines() {
    assertEquals(
        "shared_buffers=65536\nport=51055\nshared_preload_libraries = 'neon'\n", Prewarm.CONF);
    assertEquals(Path.of("/var/db/compute.warmup"), Prewarm.warmupDir(Path.of("/var/db/compute")));
  }

  @Test
  void conf_onAStockServerLeavesOutTheNeonPreload() {
    assertEquals("shared_buffers=65536\nport=51055\n", Prewarm.conf(command()));
  }

  @Test
  void conf_isUpstreamsWhenPgConfigCannotRun() {
    Path missing = TestPg.workDir("prewarm-").resolve("bin/postgres");
    assertEquals(Prewarm.CONF, Prewarm.conf(new PgCommand(missing.toString(), false, List.of())));
  }

  @Test
  void run_withItsOwnConfStartsAStockServer() {
    Path work = TestPg.workDir("prewarm-");
    Path pgdata = work.resolve("pgdata");
    // Only the port differs from what a pooled compute uses: another cluster may hold 51055.
    String conf =
        Prewarm.conf(command()).replace("port=51055", "port=" + TestPg.freePort())
            + "listen_addresses='127.0.0.1'\nunix_socket_directories=''\n";
    Prewarm.Leftover left =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () -> Prewarm.run(command(), pgdata, children, conf, TestPg.user(), logs::add));
    assertTrue(
        logs.stream().anyMatch(m -> m.contains("database system is ready to accept connections")),
        logs.toString());
    left.remove();
    assertFalse(Files.exists(Prewarm.warmupDir(pgdata)), "warmup directory deleted");
    PgData.deleteTree(work);
  }

  @Test
  void run_startsAndStopsPostgresOnAThrowAwayClusterAndLeavesItForTheCaller() {
    Path work = TestPg.workDir("prewarm-");
    Path pgdata = work.resolve("pgdata");
    // The stock server has no neon library and the port must be free, so this run swaps the conf.
    String conf =
        "shared_buffers=16MB\nport="
            + TestPg.freePort()
            + "\nlisten_addresses='127.0.0.1'\n"
            + "unix_socket_directories=''\n";
    Prewarm.Leftover left =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () -> Prewarm.run(command(), pgdata, children, conf, TestPg.user(), logs::add));
    assertEquals(Prewarm.warmupDir(pgdata), left.dir());
    assertTrue(
        Files.isRegularFile(left.dir().resolve("PG_VERSION")),
        "the stopped cluster is left for the caller, who removes it after the start");
    left.remove();
    assertFalse(Files.exists(Prewarm.warmupDir(pgdata)), "warmup directory deleted");
    assertFalse(Files.exists(pgdata), "PGDATA itself untouched");
    assertTrue(
        logs.stream().anyMatch(m -> m.contains("database system is ready to accept connections")),
        logs.toString());
    assertNull(children.find(Prewarm.PROCESS_NAME));
    PgData.deleteTree(work);
  }

  @Test
  void run_failsClearlyWhenPostgresCannotStart() {
    Path work = TestPg.workDir("prewarm-");
    Path pgdata = work.resolve("pgdata");
    PgException e =
        assertThrows(
            PgException.class,
            () ->
                assertTimeoutPreemptively(
                    Duration.ofMinutes(2),
                    () ->
                        Prewarm.run(
                            command(),
                            pgdata,
                            children,
                            "shared_buffers = 'lots'\n",
                            TestPg.user(),
                            logs::add)));
    assertEquals("prewarm failed: Postgres exited unexpectedly with code 1", e.getMessage());
    assertFalse(Files.exists(Prewarm.warmupDir(pgdata)), "a failed prewarm removes its directory");
    PgData.deleteTree(work);
  }
}
