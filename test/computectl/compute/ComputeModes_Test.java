package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.standin.StandInConnection;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
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

/** Replica and Static computes: read-only, standby.signal, the --replica basebackup query. */
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
