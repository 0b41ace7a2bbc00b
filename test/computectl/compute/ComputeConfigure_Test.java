package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import java.net.http.HttpResponse;
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

/** A pooled compute configured through /configure, then reconfigured live, then terminated. */
@Tag("e2e")
class ComputeConfigure_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static String body(TestSpec spec) {
    return "{\"spec\":" + spec.json() + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
  }

  @Test
  void pooledCompute_configuresThenReconfiguresLiveThenTerminates() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      String empty =
          cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      assertTrue(empty.contains("\"tenant\":null"), empty);
      TestSpec first =
          new TestSpec(fx, node)
              .role("alice", Passwords.md5("alice", "pw1"))
              .database("appdb", "alice");
      HttpResponse<String> r = cc.post("/configure", body(first), Duration.ofSeconds(120));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertTrue(r.body().contains("\"status\":\"running\""), r.body());
      String metrics = cc.get("/metrics.json").body();
      assertTrue(!metrics.contains("\"wait_for_spec_ms\":0,"), metrics);

      TestSpec second =
          new TestSpec(fx, node)
              .role("alice", Passwords.md5("alice", "pw2"))
              .role("carol", null)
              .database("appdb", "alice")
              .database("carol_db", "carol");
      r = cc.post("/configure", body(second), Duration.ofSeconds(120));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      try (Connection admin =
              DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
          Statement s = admin.createStatement()) {
        assertEquals(
            "carol",
            ComputeStartup_Test.one(
                s, "select pg_get_userbyid(datdba) from pg_database where datname = 'carol_db'"));
        assertEquals(
            "md5" + Passwords.md5("alice", "pw2"),
            ComputeStartup_Test.one(
                s, "select rolpassword from pg_authid where rolname = 'alice'"));
      }
      String up = cc.get("/metrics").body();
      assertTrue(up.contains("compute_ctl_up{build_tag=\"latest\",status=\"running\"} 1"), up);
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertTrue(cc.get("/metrics").body().contains("status=\"terminated\""));
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
      assertTrue(!Files.exists(node.pgdata().resolve("postmaster.pid")));
    }
  }
}
