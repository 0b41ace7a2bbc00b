package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.StandInBasebackup;
import computectl.standin.StandInConnection;
import computectl.testsupport.ComputeCtlProcess;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replica and Static computes: read-only, standby.signal, the --replica basebackup query. */
@Tag("e2e")
class ComputeModes_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private void startReadOnly(
      TestSpec spec, ComputeFixture.Node node, String expectedQuery, String modeType)
      throws Exception {
    try (ComputeCtlProcess cc = fx.start(node, spec.write(), List.of(), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      assertTrue(Files.exists(node.pgdata().resolve("standby.signal")));
      StandInConnection c = fx.pageserver.connections().get(fx.pageserver.connections().size() - 1);
      assertEquals(List.of(expectedQuery), c.queries());
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
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
    }
  }

  @Test
  void replica_startsReadOnlyFromTheLatestLsn() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    startReadOnly(
        new TestSpec(fx, node).mode("Replica"),
        node,
        "basebackup " + ComputeFixture.TENANT + " " + ComputeFixture.TIMELINE + " --gzip --replica",
        "replica");
  }

  @Test
  void static_startsReadOnlyAtItsLsn() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    String lsn = fx.backup().endLsn().toString();
    startReadOnly(
        new TestSpec(fx, node).staticAt(lsn),
        node,
        "basebackup "
            + ComputeFixture.TENANT
            + " "
            + ComputeFixture.TIMELINE
            + " "
            + lsn
            + " --gzip --replica",
        "static");
  }
}
