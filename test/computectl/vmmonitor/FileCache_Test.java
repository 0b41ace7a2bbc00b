package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.LocalCluster;
import computectl.testsupport.Await;
import computectl.testsupport.TestPg;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The LFC SQL against a real PostgreSQL 15. Vanilla Postgres has no neon GUCs, so they are declared
 * as placeholders: {@code neon.file_cache_size_limit} in postgresql.conf, and {@code
 * neon.max_file_cache_size} for database {@code lfc} only, which leaves database {@code postgres}
 * without it (the "settings absent" case).
 */
@Tag("e2e")
class FileCache_Test {
  private static final long MIB = 1L << 20;
  private static LocalCluster pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPg.newCluster();
    pg.appendConf("neon.file_cache_size_limit = '1024MB'\n");
    pg.psql("postgres", "SELECT pg_reload_conf()");
    pg.psql("postgres", "CREATE DATABASE lfc");
    pg.psql("postgres", "ALTER DATABASE lfc SET neon.max_file_cache_size = '16GB'");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private static FileCache cache(String db, String extra) {
    return new FileCache(
        LibpqConnstr.parse(
            "host=127.0.0.1 port="
                + pg.port()
                + " dbname="
                + db
                + " user=cloud_admin sslmode=disable application_name=vm-monitor "
                + extra));
  }

  private static long deadline() {
    return System.nanoTime() + FileCache.SQL_BUDGET_NANOS;
  }

  /** SHOW in a new session, waiting for the postmaster to finish the reload. */
  static String showLimit(LocalCluster cluster, String expected) throws Exception {
    // Generous for a loaded machine: each psql is a process start.
    long deadline = System.nanoTime() + Await.DEFAULT_LIMIT.toNanos();
    String shown = cluster.psql("postgres", "SHOW neon.file_cache_size_limit").trim();
    while (!shown.equals(expected) && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
      shown = cluster.psql("postgres", "SHOW neon.file_cache_size_limit").trim();
    }
    return shown;
  }

  @Test
  void setSizeBytes_altersSystemAndReloads() throws Exception {
    try (FileCache fc = cache("lfc", "")) {
      assertEquals(3072 * MIB, fc.setSizeBytes(3072 * MIB, deadline()));
      assertEquals("3072", showLimit(pg, "3072"));
      assertTrue(
          Files.readString(pg.dataDir().resolve("postgresql.auto.conf"))
              .contains("neon.file_cache_size_limit = '3072'\n"));
      assertEquals(
          2229 * MIB, fc.setSizeBytes(2229 * MIB + 12345, deadline()), "whole MiB, rounded down");
      assertEquals("2229", showLimit(pg, "2229"));
    }
  }

  @Test
  void setSizeBytes_isCappedByMaxFileCacheSize() throws Exception {
    try (FileCache fc = cache("lfc", "options='-c neon.max_file_cache_size=1GB'")) {
      assertEquals(1024 * MIB, fc.setSizeBytes(2048 * MIB, deadline()));
      assertEquals("1024", showLimit(pg, "1024"));
    }
  }

  @Test
  void currentLimitBytes_readsTheSettingAsBytes() {
    try (FileCache fc = cache("lfc", "options='-c neon.file_cache_size_limit=512MB'")) {
      assertEquals(512 * MIB, fc.currentLimitBytes(deadline()));
    }
  }

  @Test
  void setSizeBytes_retriesItsQueryOnANewConnection() throws Exception {
    try (FileCache fc = cache("lfc", "application_name=vm-monitor-retry")) {
      fc.setSizeBytes(1000 * MIB, deadline());
      assertEquals(
          "1",
          pg.psql(
                  "postgres",
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                      + " WHERE application_name = 'vm-monitor-retry'")
              .trim());
      assertEquals(1001 * MIB, fc.setSizeBytes(1001 * MIB, deadline()));
      assertEquals("1001", showLimit(pg, "1001"));
    }
  }

  @Test
  void setSizeBytes_failsWhenTheNeonSettingIsAbsent() {
    try (FileCache fc = cache("postgres", "")) {
      String msg =
          assertThrows(VmMonitorException.class, () -> fc.setSizeBytes(1000 * MIB, deadline()))
              .getMessage();
      assertTrue(
          msg.startsWith(
              "could not read neon.max_file_cache_size from Postgres (host=127.0.0.1 port="
                  + pg.port()
                  + " dbname=postgres user=cloud_admin): "),
          msg);
      assertTrue(
          msg.contains("unrecognized configuration parameter \"neon.max_file_cache_size\""), msg);
    }
  }

  @Test
  void setSizeBytes_failsFastWhenPostgresIsUnreachable() {
    int port = TestPg.freePort();
    try (FileCache fc =
        new FileCache(LibpqConnstr.parse("host=127.0.0.1 port=" + port + " user=cloud_admin"))) {
      // A deadline an hour away, and a limit far below it: a refused connection is not retried
      // until the deadline.
      long farDeadline = System.nanoTime() + 3_600_000_000_000L;
      String msg =
          assertTimeoutPreemptively(
                  Duration.ofSeconds(60),
                  () ->
                      assertThrows(
                          VmMonitorException.class, () -> fc.setSizeBytes(1000 * MIB, farDeadline)))
              .getMessage();
      assertTrue(msg.startsWith("could not read neon.max_file_cache_size from Postgres"), msg);
    }
  }

  @Test
  void setSizeBytes_givesUpAtTheDeadlineWhenPostgresHangs() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        FileCache fc =
            new FileCache(
                LibpqConnstr.parse("host=127.0.0.1 port=" + silent.getLocalPort() + " user=x"))) {
      // The server never answers: only the 1.5 s deadline can end the call within the limit.
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () ->
              assertThrows(
                  VmMonitorException.class,
                  () -> fc.setSizeBytes(1000 * MIB, System.nanoTime() + 1_500_000_000L)));
    }
  }
}
