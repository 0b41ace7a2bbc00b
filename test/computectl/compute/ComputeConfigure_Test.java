package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import computectl.postgres.Prewarm;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  /**
   * Our deliberate difference: upstream ends compute_ctl when the prewarm fails; here the failure
   * is logged and the pooled compute still comes up, waits in Empty and can be configured.
   */
  @Test
  void pooledCompute_prewarmFailing_stillServesAndConfigures() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    // A directory nobody but root can empty (no write permission): the prewarm cannot reset it.
    Path blocker = Prewarm.warmupDir(node.pgdata()).resolve("read-only");
    Files.createDirectories(blocker);
    Files.writeString(blocker.resolve("file"), "kept");
    Files.setPosixFilePermissions(blocker, PosixFilePermissions.fromString("r-xr-xr-x"));
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      assertTrue(cc.log().contains("prewarm failed (continuing)"), cc.log());
      HttpResponse<String> r =
          cc.post("/configure", fx.spec(node).configureBody(), Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
    } finally {
      Files.setPosixFilePermissions(blocker, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.delete(blocker.resolve("file"));
      Files.delete(blocker);
    }
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
      Path prewarmed = Prewarm.warmupDir(node.pgdata());
      assertTrue(
          Files.isRegularFile(prewarmed.resolve("PG_VERSION")),
          "the prewarm cluster waits on disk while the compute is Empty");
      SpecBuilder first =
          fx.spec(node).role("alice", Passwords.md5("alice", "pw1")).database("appdb", "alice");
      HttpResponse<String> r = cc.post("/configure", first.configureBody(), Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      assertTrue(r.body().contains("\"status\":\"running\""), r.body());
      Await.until(
          "the prewarm cluster removed after the start",
          () -> !Files.exists(prewarmed, LinkOption.NOFOLLOW_LINKS));
      String metrics = cc.get("/metrics.json").body();
      assertTrue(
          Json.parse(metrics).asObject().getLong("wait_for_spec_ms", 0) > 0,
          "a pooled compute reports how long it waited for /configure: " + metrics);

      SpecBuilder second =
          fx.spec(node)
              .role("alice", Passwords.md5("alice", "pw2"))
              .role("carol", null)
              .database("appdb", "alice")
              .database("carol_db", "carol");
      r = cc.post("/configure", second.configureBody(), Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      // Upstream's log shape: the start runs in the span of the /configure that brought the spec,
      // a reconfiguration in the configurator's.
      String request =
          "HTTP{http.request.method=\"POST\" network.protocol.name=\"http\""
              + " network.protocol.version=\"1.1\" otel.kind=\"server\" url.path=\"/configure\"}";
      assertTrue(
          cc.log().contains(" INFO " + request + ":start_compute: starting compute for project"),
          cc.log());
      assertTrue(
          cc.log()
              .contains(
                  " INFO configurator_main_loop:reconfigure: finished reconfiguration of compute"),
          cc.log());
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
      assertTrue(
          up.contains(
              "compute_ctl_up{build_tag=\""
                  + ComputeCtlProcess.buildTag()
                  + "\",status=\"running\"} 1"),
          up);
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertTrue(cc.get("/metrics").body().contains("status=\"terminated\""));
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
      assertTrue(!Files.exists(node.pgdata().resolve("postmaster.pid")));
    }
  }
}
