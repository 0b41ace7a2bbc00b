package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.tls.TestCerts;
import computectl.util.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS in a real compute: the control plane's compute_ctl_config names a key and certificate;
 * compute_ctl copies them into PGDATA (owner-only), writes the ssl lines into postgresql.conf and
 * Postgres serves encrypted connections with them. A renewal of the files is
 * ComputeTlsRenewal_Test.
 */
@Tag("e2e")
class ComputeTlsServing_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @Test
  void controlPlaneTls_postgresServesEncryptedConnectionsWithTheCertificate() throws Exception {
    TestCerts.Pair pair = TestCerts.make(TestCerts.Kind.P256_SEC1);
    String config = tlsConfig(pair, "computectl-certs-");
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json(), config);
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      String conf = Files.readString(node.pgdata().resolve("postgresql.conf"));
      assertTrue(
          conf.contains("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"),
          conf);
      assertEquals(pair.certPem(), Files.readString(node.pgdata().resolve("server.crt")));
      assertEquals(pair.keyPem(), Files.readString(node.pgdata().resolve("server.key")));
      try (Connection c =
              DriverManager.getConnection(
                  node.jdbcUrl("postgres") + "?sslmode=require", "cloud_admin", "");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1), "the connection is encrypted");
      }
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    }
  }

  /**
   * A key type Postgres would not get from upstream either (RSA) fails the start at once naming it,
   * where upstream retried every second for ever; no Postgres is started.
   */
  @Test
  void unsupportedKeyType_failsTheStartAtOnce() throws Exception {
    TestCerts.Pair pair = TestCerts.make(TestCerts.Kind.RSA);
    String config = tlsConfig(pair, "computectl-rsa-certs-");
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json(), config);
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"failed\""), status + cc.log());
      assertTrue(status.contains("unknown TLS key type"), status);
      assertEquals(1, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      assertTrue(!Files.exists(node.pgdata().resolve("postmaster.pid")), cc.log());
    }
  }

  /** The pair written where the Postgres user can read it; the compute_ctl_config naming it. */
  private static String tlsConfig(TestCerts.Pair pair, String dirPrefix) throws Exception {
    Path certs = TestPg.workDir(dirPrefix);
    pair.write(certs, "tls");
    RunAs.chownTree(TestPg.user(), certs);
    return ControlPlaneStandIn.tlsConfig(certs.resolve("tls.key"), certs.resolve("tls.crt"));
  }
}
