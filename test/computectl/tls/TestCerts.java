package computectl.tls;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Real keys and self-signed certificates for the TLS tests, made with {@code openssl} when it is
 * installed and with the JDK's {@code keytool} otherwise.
 */
public final class TestCerts {
  /** PEM texts of a key and its certificate. */
  public record Pair(String keyPem, String certPem) {
    public Pair write(Path dir, String name) throws IOException {
      Files.writeString(dir.resolve(name + ".key"), keyPem);
      Files.writeString(dir.resolve(name + ".crt"), certPem);
      return this;
    }
  }

  /** The key forms a test can ask for. */
  public enum Kind {
    P256_SEC1,
    P256_PKCS8,
    P384,
    RSA
  }

  private TestCerts() {}

  static boolean hasOpenssl() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (new File(dir, "openssl").canExecute()) {
        return true;
      }
    }
    return false;
  }

  private static final Map<Kind, Pair> MADE = new EnumMap<>(Kind.class);

  /** A pair of this kind, shared by the tests of this JVM (keytool takes a second per key). */
  public static synchronized Pair make(Kind kind)
      throws IOException, InterruptedException, GeneralSecurityException {
    Pair p = MADE.get(kind);
    if (p == null) {
      p = make(kind, hasOpenssl());
      MADE.put(kind, p);
    }
    return p;
  }

  /** A new pair, made with openssl or with keytool. */
  static Pair make(Kind kind, boolean openssl)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path dir = Files.createTempDirectory("computectl-certs-");
    return openssl ? withOpenssl(kind, dir) : withKeytool(kind, dir);
  }

  private static Pair withOpenssl(Kind kind, Path dir) throws IOException, InterruptedException {
    Path key = dir.resolve("k.pem");
    Path cert = dir.resolve("c.pem");
    if (kind == Kind.RSA) {
      run(
          "openssl",
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          key.toString(),
          "-out",
          cert.toString(),
          "-subj",
          "/CN=compute",
          "-days",
          "2",
          "-sha256");
    } else {
      run(
          "openssl",
          "ecparam",
          "-name",
          kind == Kind.P384 ? "secp384r1" : "prime256v1",
          "-genkey",
          "-noout",
          "-out",
          key.toString());
      run(
          "openssl",
          "req",
          "-new",
          "-x509",
          "-key",
          key.toString(),
          "-out",
          cert.toString(),
          "-days",
          "2",
          "-subj",
          "/CN=compute",
          "-sha256");
      if (kind == Kind.P256_PKCS8) {
        Path pkcs8 = dir.resolve("k8.pem");
        run(
            "openssl",
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            key.toString(),
            "-out",
            pkcs8.toString());
        key = pkcs8;
      }
    }
    return new Pair(Files.readString(key), Files.readString(cert));
  }

  private static Pair withKeytool(Kind kind, Path dir)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path store = dir.resolve("ks.p12");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "keytool",
                "-genkeypair",
                "-alias",
                "a",
                "-dname",
                "CN=compute",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit"));
    if (kind == Kind.RSA) {
      cmd.addAll(List.of("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA"));
    } else {
      cmd.addAll(
          List.of(
              "-keyalg",
              "EC",
              "-groupname",
              kind == Kind.P384 ? "secp384r1" : "secp256r1",
              "-sigalg",
              "SHA256withECDSA"));
    }
    run(cmd.toArray(new String[0]));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    byte[] pkcs8 = ks.getKey("a", "changeit".toCharArray()).getEncoded();
    String cert = pem("CERTIFICATE", ks.getCertificate("a").getEncoded());
    String key =
        kind == Kind.P256_SEC1 ? pem("EC PRIVATE KEY", sec1Of(pkcs8)) : pem("PRIVATE KEY", pkcs8);
    return new Pair(key, cert);
  }

  /** The SEC1 key inside a PKCS#8 EC key: its privateKey OCTET STRING. */
  private static byte[] sec1Of(byte[] pkcs8) {
    byte[] body = Der.read(pkcs8, 0).content();
    Der.Element version = Der.read(body, 0);
    Der.Element algorithm = Der.read(body, version.end());
    return Der.read(body, algorithm.end()).content();
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
