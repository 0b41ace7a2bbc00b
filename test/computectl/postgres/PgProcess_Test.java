package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import computectl.util.ChildProcesses;
import computectl.util.RunAs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real Postgres started by PgProcess on a data directory made by initdb (through LocalCluster). */
@Tag("e2e")
class PgProcess_Test {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;
  private static Path pgdata;
  private static PgCommand command;
  private final ChildProcesses children = new ChildProcesses();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void makeDataDir() throws Exception {
    cluster = TestPg.newCluster();
    cluster.close();
    pgdata = cluster.dataDir();
    command =
        new PgCommand(
            TestPg.install().postgres().toString(), false, RunAs.command(TestPg.user(), List.of()));
  }

  @AfterAll
  static void removeDataDir() {
    PgData.deleteTree(pgdata.getParent());
  }

  @Test
  void start_becomesReadyForwardsLogsAndStopsOnSigint() throws Exception {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PgProcess pg = PgProcess.start(command, pgdata, "secret-token", children, logs::add);
          try {
            pg.waitReady();
            assertEquals(
                "ready", Files.readAllLines(pgdata.resolve("postmaster.pid")).get(7).trim());
            assertEquals(pg.pid(), children.find(PgProcess.PROCESS_NAME).pid());
            String environ =
                Files.readString(
                    Path.of("/proc/" + pg.pid() + "/environ"), StandardCharsets.ISO_8859_1);
            assertTrue(
                environ.contains("\0NEON_AUTH_TOKEN=secret-token\0"),
                "token passed in the environment");
            assertEquals("1", cluster.psql("postgres", "select 1").trim());
          } finally {
            assertTrue(pg.signal("INT"));
          }
          assertEquals(0, pg.waitExit());
        });
    assertTrue(
        logs.stream().anyMatch(m -> m.contains("database system is ready to accept connections")),
        logs.toString());
    for (String m : logs) {
      assertTrue(m.startsWith("PG:") && m.endsWith("\n") && m.indexOf('\n') == m.length() - 1, m);
      assertTrue(
          PgLogForwarder.TIMESTAMP.matcher(m.substring(3)).find(),
          "each message starts with a log timestamp: " + m);
    }
  }

  @Test
  void waitReady_reportsTheExitCodeOfAPostgresThatCannotStart() throws Exception {
    Path broken = pgdata.resolveSibling("broken");
    Process cp =
        new ProcessBuilder("cp", "-a", pgdata.toString(), broken.toString()).inheritIO().start();
    assertEquals(0, cp.waitFor());
    Files.writeString(
        broken.resolve("postgresql.conf"), "shared_buffers = 'lots'\n", StandardOpenOption.APPEND);
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PgProcess pg = PgProcess.start(command, broken, null, children, logs::add);
          PgException e = assertThrows(PgException.class, pg::waitReady);
          assertEquals("Postgres exited unexpectedly with code 1", e.getMessage());
          assertEquals(1, pg.waitExit());
        });
    assertTrue(logs.stream().anyMatch(m -> m.contains("shared_buffers")), logs.toString());
    PgData.deleteTree(broken);
  }

  @Test
  void waitReady_timesOut() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PgProcess pg = PgProcess.start(command, pgdata, null, children, logs::add);
          try {
            PgException e =
                assertThrows(PgException.class, () -> pg.waitReady(Duration.ofMillis(1)));
            assertEquals("timed out while waiting for Postgres to start", e.getMessage());
          } finally {
            pg.waitReady();
            pg.signal("INT");
            assertEquals(0, pg.waitExit());
          }
        });
  }

  @Test
  void waitExit_isNullWhenKilledBySignal() throws Exception {
    Path dir = Files.createTempDirectory("fake-pg-");
    Path fake = dir.resolve("postgres");
    Files.writeString(fake, "#!/bin/sh\necho 'not really postgres' >&2\nexec sleep 30\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PgProcess pg =
              PgProcess.start(
                  new PgCommand(fake.toString(), false, List.of()), dir, null, children, logs::add);
          assertNotNull(children.find(PgProcess.PROCESS_NAME));
          while (logs.isEmpty()) {
            Thread.sleep(
                10); // the message is flushed after 100 ms of silence, while the child lives
          }
          assertTrue(pg.signal("KILL"));
          assertNull(pg.waitExit());
          PgException e =
              assertThrows(PgException.class, () -> pg.waitReady(Duration.ofSeconds(5)));
          assertEquals("Postgres exited unexpectedly with code -1", e.getMessage());
        });
    assertEquals(List.of("PG:not really postgres\n"), logs);
    PgData.deleteTree(dir);
  }

  @Test
  void start_missingBinaryIsAClearError() {
    PgException e =
        assertThrows(
            PgException.class,
            () ->
                PgProcess.start(
                    new PgCommand("/nonexistent/postgres", false, List.of()),
                    pgdata,
                    null,
                    children));
    assertTrue(
        e.getMessage()
            .startsWith("cannot start postgres (/nonexistent/postgres -D " + pgdata + "): "),
        e.getMessage());
  }

  @Test
  void reload_makesRunningPostgresReadItsConfiguration() throws Exception {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          PgProcess pg = PgProcess.start(command, pgdata, null, children, logs::add);
          try {
            pg.waitReady();
            cluster.appendConf("work_mem = '7MB'\n");
            assertEquals(0, PgCtl.reload(command, pgdata));
            String value = "";
            long until = System.nanoTime() + 30_000_000_000L; // generous: each psql is a start
            while (!value.equals("7MB") && System.nanoTime() - until < 0) {
              Thread.sleep(20);
              value = cluster.psql("postgres", "show work_mem").trim();
            }
            assertEquals("7MB", value);
          } finally {
            pg.signal("INT");
            pg.waitExit();
          }
          assertTrue(PgCtl.reload(command, pgdata) != 0, "no server running");
        });
  }
}
