package computectl.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.TlsConfig;
import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class TlsFiles_Test {
  private static TestCerts.Pair p256;

  @BeforeAll
  static void makeKeys() throws Exception {
    p256 = TestCerts.make(TestCerts.Kind.P256_SEC1);
  }

  private static TlsConfig config(Path dir) {
    return new TlsConfig(dir.resolve("tls.key").toString(), dir.resolve("tls.crt").toString());
  }

  @Test
  void install_matchingP256Pair_writesOwnerOnlyCopies() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    p256.write(dir, "tls");
    Path pgdata = Files.createTempDirectory("computectl-pgdata-");
    Files.writeString(pgdata.resolve(TlsFiles.SERVER_KEY), "stale and too long ".repeat(100));

    TlsFiles.install(pgdata, config(dir));

    assertEquals(p256.keyPem(), Files.readString(pgdata.resolve(TlsFiles.SERVER_KEY)));
    assertEquals(p256.certPem(), Files.readString(pgdata.resolve(TlsFiles.SERVER_CRT)));
    for (String f : new String[] {TlsFiles.SERVER_KEY, TlsFiles.SERVER_CRT}) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(pgdata.resolve(f))),
          f);
    }
  }

  @Test
  void install_pkcs8Key_isAccepted() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.make(TestCerts.Kind.P256_PKCS8).write(dir, "tls");

    TlsFiles.install(Files.createTempDirectory("computectl-pgdata-"), config(dir));
  }

  @Test
  void install_keytoolMadeSec1Key_isAccepted() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.make(TestCerts.Kind.P256_SEC1, false).write(dir, "tls");

    TlsFiles.install(Files.createTempDirectory("computectl-pgdata-"), config(dir));
  }

  @Test
  void install_keyOfAnotherCertificate_isARetryableMismatch() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.Pair other = TestCerts.make(TestCerts.Kind.P256_SEC1, TestCerts.hasOpenssl());
    new TestCerts.Pair(other.keyPem(), p256.certPem()).write(dir, "tls");
    Path pgdata = Files.createTempDirectory("computectl-pgdata-");

    TlsException e = assertThrows(TlsException.class, () -> TlsFiles.install(pgdata, config(dir)));

    assertEquals("private key file does not match certificate", e.getMessage());
    assertTrue(e.retryable());
    assertFalse(
        Files.exists(pgdata.resolve(TlsFiles.SERVER_KEY)),
        "nothing is installed from a mismatched pair");
  }

  @Test
  void install_rsaCertificate_isAPermanentUnknownKeyType() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.make(TestCerts.Kind.RSA).write(dir, "tls");

    TlsException e = assertThrows(TlsException.class, () -> TlsFiles.install(dir, config(dir)));

    assertEquals(
        "unknown TLS key type: the certificate is signed with SHA256withRSA; only ECDSA P-256 with"
            + " SHA-256 is supported",
        e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void install_p384Certificate_isAPermanentUnknownKeyType() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.make(TestCerts.Kind.P384).write(dir, "tls");

    TlsException e = assertThrows(TlsException.class, () -> TlsFiles.install(dir, config(dir)));

    assertEquals(
        "unknown TLS key type: the certificate's key is not an ECDSA P-256 key", e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void install_rsaKeyWithEcCertificate_isAPermanentUnknownKeyType() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    new TestCerts.Pair(TestCerts.make(TestCerts.Kind.RSA).keyPem(), p256.certPem())
        .write(dir, "tls");

    TlsException e = assertThrows(TlsException.class, () -> TlsFiles.install(dir, config(dir)));

    assertTrue(e.getMessage().startsWith("unknown TLS key type: "), e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void install_missingKeyFile_isRetryable() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");

    TlsException e = assertThrows(TlsException.class, () -> TlsFiles.install(dir, config(dir)));

    assertTrue(
        e.getMessage().startsWith("cannot read the TLS key file " + dir.resolve("tls.key")),
        e.getMessage());
    assertTrue(e.retryable());
  }

  @Test
  void installWithRetry_unsupportedKey_failsAtOnceInsteadOfHanging() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    TestCerts.make(TestCerts.Kind.RSA).write(dir, "tls");
    long start = System.nanoTime();

    assertThrows(
        TlsException.class,
        () -> TlsFiles.installWithRetry(dir, config(dir), Duration.ofSeconds(1), () -> false));

    assertTrue(
        System.nanoTime() - start < 900_000_000L, "no retry for a key type that can never work");
  }

  @Test
  void installWithRetry_filesAppearLater_installsThem() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    Path pgdata = Files.createTempDirectory("computectl-pgdata-");
    Thread writer =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
                p256.write(dir, "tls");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "test-tls-writer");
    writer.start();

    TlsFiles.installWithRetry(pgdata, config(dir), Duration.ofMillis(50), () -> false);

    writer.join();
    assertEquals(p256.certPem(), Files.readString(pgdata.resolve(TlsFiles.SERVER_CRT)));
  }

  @Test
  void installedFiles_postgresServesTlsWithThem() throws Exception {
    Path dir = Files.createTempDirectory("computectl-tls-");
    p256.write(dir, "tls");
    try (LocalCluster pg = TestPg.newCluster()) {
      TlsFiles.install(pg.dataDir(), config(dir));
      RunAs.chownTree(TestPg.user(), pg.dataDir().resolve(TlsFiles.SERVER_KEY));
      RunAs.chownTree(TestPg.user(), pg.dataDir().resolve(TlsFiles.SERVER_CRT));
      pg.appendConf("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
      pg.psql("postgres", "SELECT pg_reload_conf()");
      Thread.sleep(300);

      try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres") + "&sslmode=require");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1), "the connection is encrypted with the installed certificate");
      }
    }
  }
}
