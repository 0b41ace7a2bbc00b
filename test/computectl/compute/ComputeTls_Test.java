package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.tls.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A control-plane start with TLS whose key and certificate appear only after compute_ctl started:
 * as upstream, the copy into PGDATA is retried every second until the files are there, and the
 * compute comes up serving TLS.
 */
@Tag("e2e")
class ComputeTls_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @Test
  void lateCertificate_isWaitedFor_thenTheComputeRunsWithTls() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    Path certDir = TestPg.workDir("computectl-late-cert-");
    Path key = certDir.resolve("tls.key");
    Path cert = certDir.resolve("tls.crt");
    TestCerts.Pair pair = TestCerts.make(TestCerts.Kind.P256_SEC1);
    String config = ControlPlaneStandIn.tlsConfig(key, cert);
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json(), config);
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      awaitLog(cc, "could not create key file");
      Files.writeString(key, pair.keyPem());
      Files.writeString(cert, pair.certPem());
      String running =
          cc.awaitStatus(s -> s.contains("\"status\":\"running\""), Duration.ofMinutes(2));
      assertTrue(running.contains("\"status\":\"running\""), running + cc.log());
      assertEquals(pair.certPem(), Files.readString(node.pgdata().resolve("server.crt")));
      try (Connection c =
              DriverManager.getConnection(
                  node.jdbcUrl("postgres") + "?sslmode=require", "cloud_admin", "");
          Statement s = c.createStatement()) {
        assertEquals(
            "t",
            ComputeStartup_Test.one(s, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"),
            "the session is encrypted with the copied key");
      }
    }
  }

  private static void awaitLog(ComputeCtlProcess cc, String text) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!cc.log().contains(text)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no log line with '" + text + "':\n" + cc.log());
      }
      Thread.sleep(100);
    }
  }
}
