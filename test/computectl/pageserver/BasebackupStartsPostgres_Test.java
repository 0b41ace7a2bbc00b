package computectl.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.metrics.StartupMetrics;
import computectl.spec.ComputeMode;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.standin.StandInFixture;
import computectl.testsupport.Command;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole point of the stand-in: what Basebackup unpacks from it starts as a Postgres (primary or
 * standby).
 */
@Tag("e2e")
class BasebackupStartsPostgres_Test {
  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Command.Result r = Command.asPostgres(cmd, Duration.ofSeconds(90));
    if (r.exitCode() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + r.describe());
    }
    return r.stdout();
  }

  @Test
  void fetchedPgdata_startsAsPrimaryWithTheMarkerRow() throws Exception {
    assertEquals(
        StandInBasebackup.MARKER_NOTE, fetchStartAndQuery(ComputeMode.PRIMARY, "", "note"));
  }

  @Test
  void fetchedPgdata_startsAsStandbyWithSmallSettings() throws Exception {
    ComputeMode mode = ComputeMode.staticAt(StandInFixture.neonLikeBackup().endLsn());
    assertEquals(
        "t",
        fetchStartAndQuery(
            mode, "max_connections = 20\nmax_worker_processes = 4\n", "pg_is_in_recovery()"));
  }

  /**
   * Fetches into a fresh PGDATA, starts it (as a standby unless Primary), runs one query, stops it.
   */
  private static String fetchStartAndQuery(ComputeMode mode, String conf, String column)
      throws Exception {
    PgInstall pg = TestPg.install();
    Path pgdata = TestPg.workDir("bb-start-").resolve("pgdata");
    Files.createDirectory(
        pgdata, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    int port = TestPg.freePort();
    Files.writeString(
        pgdata.resolve("postgresql.conf"),
        "port = "
            + port
            + "\nlisten_addresses = '127.0.0.1'\n"
            + "unix_socket_directories = ''\nfsync = off\n"
            + conf);
    try (PageserverStandIn server = PageserverStandIn.start(0, StandInFixture.neonLikeBackup())) {
      new Basebackup()
          .fetch(
              SpecBuilder.spec()
                  .tenant(SpecBuilder.TENANT)
                  .timeline(SpecBuilder.TIMELINE)
                  .pageserver(server.connstr())
                  .mode(mode)
                  .parseAsGiven(),
              server.lsn(),
              mode,
              pgdata,
              new StartupMetrics(),
              d -> {});
    }
    if (!mode.isPrimary()) {
      Files.writeString(pgdata.resolve("standby.signal"), "");
    }
    RunAs.chownTree(TestPg.user(), pgdata);
    run(
        List.of(
            pg.tool("pg_ctl").toString(),
            "-D",
            pgdata.toString(),
            "-w",
            "-t",
            "60",
            "-l",
            pgdata.resolveSibling("log").toString(),
            "start"));
    try {
      return run(List.of(
              pg.tool("psql").toString(),
              "-X",
              "-A",
              "-t",
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-U",
              "cloud_admin",
              "-d",
              "postgres",
              "-c",
              "select " + column + " from " + StandInBasebackup.MARKER_TABLE + " where id = 1"))
          .trim();
    } finally {
      run(
          List.of(
              pg.tool("pg_ctl").toString(), "-D", pgdata.toString(), "-w", "-m", "fast", "stop"));
    }
  }
}
