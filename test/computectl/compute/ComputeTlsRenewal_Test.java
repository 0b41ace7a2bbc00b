package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.tls.TestCerts;
import computectl.util.RunAs;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A renewed TLS certificate in a real compute (behaviour.md 12.9): the watcher, polling every
 * second here, notices each replacement of the key and certificate files and asks for exactly one
 * reconfiguration, after which Postgres serves the new certificate; passes that find the files
 * unchanged ask for none.
 */
@Tag("e2e")
class ComputeTlsRenewal_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static final String RECONFIGURED = "finished reconfiguration of compute node";
  private static final String CHANGED = "tls.crt changed";
  private static final String UNCHANGED = "tls.crt unchanged";

  @Test
  void replacedCertificate_oneReconfigurationPerChange_noneWhileUnchanged() throws Exception {
    Path certs = TestPg.workDir("computectl-renewed-certs-");
    TestCerts.Pair first = TestCerts.make(TestCerts.Kind.P256_SEC1).write(certs, "tls");
    RunAs.chownTree(TestPg.user(), certs);
    ComputeFixture.Node node = ComputeFixture.newNode();
    String config =
        ControlPlaneStandIn.tlsConfig(certs.resolve("tls.key"), certs.resolve("tls.crt"));
    Map<String, String> env =
        Map.of("COMPUTE_CTL_TLS_CERT_POLL_SECONDS", "1", "COMPUTE_CTL_LOG", "debug");
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json(), config);
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), env)) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      assertServes(node, first);
      awaitUnchangedPasses(cc, 2);
      assertEquals(0, count(cc.log(), RECONFIGURED), cc.log());

      TestCerts.Pair second = TestCerts.make(TestCerts.Kind.P256_PKCS8);
      replace(certs, second);
      awaitServed(node, second, cc);
      Await.until("the reconfiguration's end", () -> count(cc.log(), RECONFIGURED) >= 1);
      awaitUnchangedPasses(cc, 2);
      assertEquals(1, count(cc.log(), CHANGED), cc.log());
      assertEquals(1, count(cc.log(), RECONFIGURED), cc.log());

      // Back to the first pair: a change from the files last seen all the same.
      replace(certs, first);
      awaitServed(node, first, cc);
      Await.until("the reconfiguration's end", () -> count(cc.log(), RECONFIGURED) >= 2);
      awaitUnchangedPasses(cc, 2);
      assertEquals(2, count(cc.log(), CHANGED), cc.log());
      assertEquals(2, count(cc.log(), RECONFIGURED), cc.log());
      assertTrue(cc.get("/status").body().contains("\"running\""), cc.log());

      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    }
  }

  /**
   * Replaces the key, then the certificate, each by a rename (a reader never sees half a file), as
   * a certificate manager renewing them does.
   */
  private static void replace(Path dir, TestCerts.Pair pair) throws IOException {
    Path staging = Files.createDirectories(dir.resolve("staging"));
    pair.write(staging, "tls");
    RunAs.chownTree(TestPg.user(), staging);
    for (String name : List.of("tls.key", "tls.crt")) {
      Files.move(
          staging.resolve(name),
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Waits until the watcher logged {@code passes} more passes that found the files unchanged. */
  private static void awaitUnchangedPasses(ComputeCtlProcess cc, int passes)
      throws InterruptedException {
    int before = count(cc.log(), UNCHANGED);
    Await.until(
        passes + " more passes of the certificate watcher",
        Duration.ofSeconds(60),
        () -> count(cc.log(), UNCHANGED) >= before + passes);
  }

  private static void assertServes(ComputeFixture.Node node, TestCerts.Pair pair) throws Exception {
    assertTrue(
        Arrays.equals(der(pair), servedCertificate(node.pgPort())),
        "Postgres serves the installed certificate");
  }

  private static void awaitServed(
      ComputeFixture.Node node, TestCerts.Pair pair, ComputeCtlProcess cc) throws Exception {
    byte[] wanted = der(pair);
    Await.until(
        "Postgres to serve the replaced certificate; log:\n" + cc.log(),
        Duration.ofSeconds(60),
        () -> Arrays.equals(wanted, servedCertificate(node.pgPort())));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static byte[] der(TestCerts.Pair pair) throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509")
        .generateCertificate(
            new ByteArrayInputStream(pair.certPem().getBytes(StandardCharsets.US_ASCII)))
        .getEncoded();
  }

  /**
   * The certificate Postgres presents to a client asking for TLS (SSLRequest, then the handshake),
   * as DER; what a client sees, whatever the files on disk say.
   */
  private static byte[] servedCertificate(int port) {
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
      raw.setSoTimeout(30_000);
      DataOutputStream out = new DataOutputStream(raw.getOutputStream());
      out.writeInt(8);
      out.writeInt(80877103);
      out.flush();
      int answer = raw.getInputStream().read();
      if (answer != 'S') {
        throw new AssertionError("Postgres refused TLS: " + answer);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AnyServer()}, null);
      try (SSLSocket tls =
          (SSLSocket)
              ctx.getSocketFactory()
                  .createSocket(raw, raw.getInetAddress().getHostAddress(), port, true)) {
        tls.startHandshake();
        return tls.getSession().getPeerCertificates()[0].getEncoded();
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new AssertionError("TLS handshake with Postgres on port " + port + ": " + e, e);
    }
  }

  /** Accepts any server: the test compares the served certificate itself. */
  private static final class AnyServer implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
