package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.PageserverStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.standin.StandInConnection;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replica and Static computes: read-only, standby.signal, the --replica basebackup query; a Static
 * compute's LSN lease.
 */
@Tag("e2e")
class ComputeModes_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  /**
   * @param logLine a regex a line of compute_ctl's log must come to match while it runs, or null
   */
  private void startReadOnly(
      SpecBuilder spec,
      ComputeFixture.Node node,
      String expectedQuery,
      String modeType,
      String logLine)
      throws Exception {
    int earlier = fx.pageserver.connections().size();
    try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      assertTrue(Files.exists(node.pgdata().resolve("standby.signal")));
      // A Static compute's lease thread connects too, before or after the basebackup.
      List<StandInConnection> basebackups =
          ours(earlier).stream()
              .filter(c -> c.queries().stream().anyMatch(q -> q.startsWith("basebackup ")))
              .toList();
      assertEquals(1, basebackups.size(), basebackups.toString());
      StandInConnection c = basebackups.get(0);
      assertEquals(List.of(expectedQuery), c.queries());
      if (modeType.equals("static")) {
        // A Static compute keeps a lease on its LSN (the real renewer of the real compute).
        String lease =
            "lease lsn "
                + ComputeFixture.TENANT
                + " "
                + ComputeFixture.TIMELINE
                + " "
                + fx.backup().endLsn()
                + " ";
        Await.until(
            "the lease request",
            () -> ours(earlier).stream().anyMatch(x -> x.queries().contains(lease)));
      }
      assertEquals("-c neon.compute_mode=" + modeType, c.startupParams().get("options"));
      try (Connection admin =
              DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
          Statement s = admin.createStatement()) {
        assertEquals("t", ComputeStartup_Test.one(s, "select pg_is_in_recovery()"));
        assertEquals(
            StandInBasebackup.MARKER_NOTE,
            ComputeStartup_Test.one(s, "select note from " + StandInBasebackup.MARKER_TABLE));
        assertEquals(modeType, ComputeStartup_Test.one(s, "show neon.compute_mode"));
      }
      if (logLine != null) {
        Pattern p = Pattern.compile(logLine, Pattern.MULTILINE);
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!p.matcher(cc.log()).find()) {
          assertTrue(System.nanoTime() < end, "no line matching " + logLine + ":\n" + cc.log());
          Thread.sleep(100);
        }
      }
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
    }
  }

  /**
   * A Static compute's lease (behaviour.md 12.1) in a real compute: requested at start from the
   * spec's pageserver; a /configure naming another pageserver makes the renewer ask that one at
   * once instead of sleeping out the first lease (an hour here, so only the wake-up can explain the
   * request); the short leases of the new pageserver are then renewed again and again.
   */
  @Test
  void static_leaseRequestedAtStart_newPageserverAskedAtOnceOnConfigure_thenRenewed()
      throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    String lsn = fx.backup().endLsn().toString();
    String lease =
        "lease lsn " + ComputeFixture.TENANT + " " + ComputeFixture.TIMELINE + " " + lsn + " ";
    try (PageserverStandIn first = leasingPageserver();
        PageserverStandIn second = leasingPageserver()) {
      // Granted until this instant: renewed about every second from then on.
      second.leaseValidUntil(System.currentTimeMillis() + 4000);
      SpecBuilder spec = fx.spec(node).staticAt(lsn).set("pageserver_connstring", connstr(first));
      try (ComputeCtlProcess cc = fx.start(node, ComputeFixture.write(spec), List.of(), Map.of())) {
        String status =
            cc.awaitStatus(
                s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
        assertTrue(status.contains("\"running\""), status + cc.log());
        Await.until("the lease request at start", () -> leases(first, lease) >= 1);
        assertEquals(0, leases(second, lease));

        spec.set("pageserver_connstring", connstr(second));
        HttpResponse<String> r = cc.post("/configure", spec.configureBody(), Duration.ofMinutes(2));
        assertEquals(200, r.statusCode(), r.body() + cc.log());
        Await.until(
            "the lease request to the new pageserver; log:\n" + cc.log(),
            Duration.ofSeconds(60),
            () -> leases(second, lease) >= 1);
        Await.until(
            "two renewals of the short lease",
            Duration.ofSeconds(60),
            () -> leases(second, lease) >= 3);
        assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
        assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
      }
    }
  }

  /** A pageserver stand-in of this test's own, serving the class's basebackup. */
  private static PageserverStandIn leasingPageserver() throws IOException {
    return PageserverStandIn.start(0, fx.backup())
        .auth(PageserverStandIn.Auth.CLEARTEXT, ComputeFixture.TOKEN);
  }

  private static String connstr(PageserverStandIn p) {
    return "host=127.0.0.1 port=" + p.port();
  }

  /** How many lease requests for {@code query} {@code p} received. */
  private static long leases(PageserverStandIn p, String query) {
    return p.queries().stream().filter(query::equals).count();
  }

  /** The pageserver connections made since the first {@code earlier} ones. */
  private static List<StandInConnection> ours(int earlier) {
    List<StandInConnection> all = fx.pageserver.connections();
    return all.subList(earlier, all.size());
  }

  @Test
  void replica_startsReadOnlyFromTheLatestLsn() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    startReadOnly(
        fx.spec(node).mode("Replica"),
        node,
        "basebackup " + ComputeFixture.TENANT + " " + ComputeFixture.TIMELINE + " --gzip --replica",
        "replica",
        null);
  }

  @Test
  void static_startsReadOnlyAtItsLsn() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    String lsn = fx.backup().endLsn().toString();
    startReadOnly(
        fx.spec(node).staticAt(lsn),
        node,
        "basebackup "
            + ComputeFixture.TENANT
            + " "
            + ComputeFixture.TIMELINE
            + " "
            + lsn
            + " --gzip --replica",
        "static",
        // Upstream's log shape, which operators and Neon's own tests grep for.
        "^\\S+Z  INFO lsn_lease_bg_task\\{tenant_id="
            + ComputeFixture.TENANT
            + " timeline_id="
            + ComputeFixture.TIMELINE
            + " lsn="
            + Pattern.quote(lsn)
            + "\\}: Request succeeded, sleeping for \\d+ seconds$");
  }
}
