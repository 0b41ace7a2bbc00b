package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import computectl.postgres.Prewarm;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.PageserverStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInConnection;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviours of the whole compute that only the real process shows: compute_ctl started from the
 * image against a real Postgres and the stand-ins, no stub in between.
 */
@Tag("e2e")
class ComputeLifecycle_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @AfterEach
  void healthyShim() throws Exception {
    fx.pg.configureShim(fx.backup().endLsn().toString(), 0, 0);
  }

  private static String running(ComputeCtlProcess cc) throws InterruptedException {
    String status =
        cc.awaitStatus(
            s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
    assertTrue(status.contains("\"running\""), status + cc.log());
    return status;
  }

  private static void terminate(ComputeCtlProcess cc) throws Exception {
    assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode(), cc.log());
    assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
  }

  private static String one(ComputeFixture.Node node, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
        Statement s = c.createStatement()) {
      return ComputeStartup_Test.one(s, sql);
    }
  }

  /** {@link #one}, or null when the query fails (for a condition polled by Await). */
  private static String oneOrNull(ComputeFixture.Node node, String sql) {
    try {
      return one(node, sql);
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * The pooled compute's Empty -> Terminated move is compute_ctl's own, not a stub's; with no exit
   * grace at all the /terminate that ended the compute is still answered before the process exits.
   */
  @Test
  void terminate_emptyCompute_terminatesWithoutStartingPostgres() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(
                node,
                null,
                List.of("--control-plane-uri", cp.uri()),
                Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", "0"))) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      HttpResponse<String> r = cc.post("/terminate", "", Duration.ofSeconds(60));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertFalse(Files.exists(node.pgdata().resolve("postmaster.pid")), "no Postgres started");
      assertFalse(
          Files.exists(Prewarm.warmupDir(node.pgdata())),
          "the prewarm cluster, kept while Empty, removed before the exit");
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 30), "processes left behind");
    }
  }

  /** skip_pg_catalog_updates: roles, databases and migrations of the spec are left alone. */
  @Test
  void skipPgCatalogUpdates_leavesTheCatalogAndMigrationsAlone() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    Path file =
        ComputeFixture.write(
            fx.spec(node)
                .set("skip_pg_catalog_updates", Json.TRUE)
                .role("skipped_role", Passwords.md5("skipped_role", "pw"))
                .database("skipped_db", "skipped_role"));
    try (ComputeCtlProcess cc = fx.start(node, file, List.of(), Map.of())) {
      running(cc);
      assertEquals("0", one(node, "select count(*) from pg_roles where rolname = 'skipped_role'"));
      assertEquals("0", one(node, "select count(*) from pg_database where datname = 'skipped_db'"));
      assertEquals(
          "0", one(node, "select count(*) from pg_namespace where nspname = 'neon_migration'"));
      terminate(cc);
    }
  }

  /**
   * Without the flag the same spec does create them: the test above can fail. Roles and databases
   * are there when the compute is Running; the migrations run in the background from then on.
   */
  @Test
  void withoutSkip_theSameSpecCreatesRoleDatabaseAndMigrations() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    SpecBuilder spec =
        fx.spec(node)
            .role("skipped_role", Passwords.md5("skipped_role", "pw"))
            .database("skipped_db", "skipped_role");
    try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), Map.of())) {
      running(cc);
      assertEquals("1", one(node, "select count(*) from pg_roles where rolname = 'skipped_role'"));
      assertEquals("1", one(node, "select count(*) from pg_database where datname = 'skipped_db'"));
      String migrations = "select count(*) from pg_namespace where nspname = 'neon_migration'";
      Await.until("the migrations' schema", () -> "1".equals(oneOrNull(node, migrations)));
      terminate(cc);
    }
  }

  /**
   * A primary's /terminate ends with a successful sync-safekeepers (the shim answers), then exit 0;
   * a failing shim at shutdown would make it exit 1 (ComputeFaults_Test).
   */
  @Test
  void terminate_primary_syncsSafekeepersThenExits0() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      running(cc);
      terminate(cc);
      String log = cc.log();
      int sync = log.indexOf("syncing safekeepers on shutdown");
      assertTrue(sync > 0, log);
      assertFalse(log.contains("failed to sync safekeepers on shutdown"), log);
    }
  }

  /**
   * Safekeepers that agree on the commit LSN let the start skip postgres --sync-safekeepers: the
   * shim is set to fail, so only the fast path can reach Running; each safekeeper was asked
   * TIMELINE_STATUS with the storage token.
   */
  @Test
  void start_agreeingSafekeepers_takeTheFastPathInsteadOfTheSync() throws Exception {
    fx.pg.configureShim("0/0", 3, 0);
    computectl.spec.Lsn end = fx.backup().endLsn();
    String lsn = end.toString();
    List<PageserverStandIn> safekeepers = new ArrayList<>();
    try {
      List<String> connstrs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        PageserverStandIn sk =
            PageserverStandIn.start(0)
                .auth(PageserverStandIn.Auth.CLEARTEXT, ComputeFixture.TOKEN)
                .timelineStatus(end, end);
        safekeepers.add(sk);
        connstrs.add("127.0.0.1:" + sk.port());
      }
      ComputeFixture.Node node = ComputeFixture.newNode();
      SpecBuilder spec = fx.spec(node).safekeepers(connstrs.toArray(String[]::new));
      try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), Map.of())) {
        running(cc);
        int asked = 0;
        for (PageserverStandIn sk : safekeepers) {
          for (StandInConnection c : sk.connections()) {
            if (c.queries().equals(List.of("TIMELINE_STATUS"))) {
              assertEquals(ComputeFixture.TOKEN, c.password());
              asked++;
            }
          }
        }
        assertTrue(asked >= 2, "a quorum was asked: " + asked);
        assertTrue(cc.log().contains("safekeepers synced at LSN " + lsn), cc.log());
        fx.pg.configureShim(lsn, 0, 0); // the shutdown sync is the real one
        terminate(cc);
      }
    } finally {
      safekeepers.forEach(PageserverStandIn::close);
    }
  }

  /**
   * A /configure at once after Running (upstream once failed it with "tuple concurrently updated").
   */
  @Test
  void configure_rightAfterRunning_isApplied() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      running(cc);
      String next =
          fx.spec(node)
              .role("late_role", Passwords.md5("late_role", "pw"))
              .database("late_db", "late_role")
              .json();
      HttpResponse<String> r =
          cc.post("/configure", SpecBuilder.configureBody(next), Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertEquals(
          "late_role",
          one(
              node,
              "select pg_get_userbyid(datdba) from pg_database where datname" + " = 'late_db'"));
      terminate(cc);
    }
  }

  /**
   * A /configure arriving while another is being applied waits for it and is applied after it,
   * instead of being refused (upstream answered 412). The first is held inside Postgres: its CREATE
   * ROLE waits on this test's uncommitted one until the second has arrived.
   */
  @Test
  void configure_secondWhileFirstIsApplied_waitsAndIsApplied() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
            fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of());
        Connection blocker = running(cc, node)) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("create role first_caller");
      }
      CompletableFuture<HttpResponse<String>> first = configureAsync(cc, node, "first_caller");
      Await.until(
          "the first reconfiguration to wait on the test's lock",
          Duration.ofSeconds(60),
          () -> lockWaiters(node) > 0);
      CompletableFuture<HttpResponse<String>> second = configureAsync(cc, node, "second_caller");
      Await.until(
          "the second /configure to arrive",
          Duration.ofSeconds(60),
          () -> count(cc.log(), ": POST /configure") >= 2);
      blocker.rollback();
      for (CompletableFuture<HttpResponse<String>> call : List.of(first, second)) {
        HttpResponse<String> r = call.get(3, TimeUnit.MINUTES);
        assertEquals(200, r.statusCode(), r.body() + cc.log());
      }
      assertEquals(
          "2",
          one(
              node,
              "select count(*) from pg_roles where rolname in ('first_caller', 'second_caller')"));
      terminate(cc);
    }
  }

  private static Connection running(ComputeCtlProcess cc, ComputeFixture.Node node)
      throws Exception {
    running(cc);
    return DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
  }

  private static CompletableFuture<HttpResponse<String>> configureAsync(
      ComputeCtlProcess cc, ComputeFixture.Node node, String role) {
    String spec = fx.spec(node).role(role, Passwords.md5(role, "pw")).json();
    return CompletableFuture.supplyAsync(() -> configure(cc, SpecBuilder.configureBody(spec)));
  }

  private static int lockWaiters(ComputeFixture.Node node) {
    try {
      return Integer.parseInt(
          one(node, "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static HttpResponse<String> configure(ComputeCtlProcess cc, String body) {
    try {
      return cc.post("/configure", body, Duration.ofMinutes(2));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** reconfigure_concurrency 4: many databases configured in parallel, every one complete. */
  @Test
  void configure_withConcurrency4_appliesEveryDatabase() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(node, ComputeFixture.write(fx.spec(node)), List.of(), Map.of())) {
      running(cc);
      SpecBuilder many = fx.spec(node);
      for (int i = 0; i < 8; i++) {
        many.role("owner_" + i, Passwords.md5("owner_" + i, "pw" + i))
            .database("db_" + i, "owner_" + i);
      }
      many.reconfigureConcurrency(4);
      HttpResponse<String> r = cc.post("/configure", many.configureBody(), Duration.ofMinutes(3));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertEquals(
          "8",
          one(
              node,
              "select count(*) from pg_database d where datname like 'db\\_%' and"
                  + " pg_get_userbyid(d.datdba) = 'owner_' || substr(datname, 4)"));
      terminate(cc);
    }
  }
}
