package computectl.fuzz;

import computectl.http.ApiError;
import computectl.http.JwtAuthorizer;
import computectl.spec.Jwk;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JWT verifier on mutated {@code Authorization} headers. Besides the error property, a token
 * may only be accepted when its signed part (header and claims, as text) is one that our key really
 * signed for this compute: a mutation that passes means a forgery.
 */
public final class JwtTarget implements FuzzTarget {
  static final String COMPUTE_ID = "compute-fuzz";
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private final JwtAuthorizer authorizer;
  private final KeyPair key;
  private final KeyPair otherKey;
  private final List<byte[]> corpus = new ArrayList<>();

  /** Signed parts that are valid for us: the only ones an accepted token may carry. */
  private final Set<String> validSigned = new HashSet<>();

  public JwtTarget() throws GeneralSecurityException {
    key = deterministicKey(1);
    otherKey = deterministicKey(2);
    List<Jwk> jwks =
        List.of(
            new Jwk("broken", "OKP", "Ed25519", "not-base64!", "EdDSA"),
            new Jwk("rsa", "RSA", null, null, "RS256"),
            new Jwk(null, "OKP", "Ed25519", raw(key), "EdDSA"));
    authorizer = new JwtAuthorizer(jwks, COMPUTE_ID, Clock.fixed(NOW, ZoneOffset.UTC));
    long exp = NOW.getEpochSecond() + 3600;
    String header = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    addValid(header, "{\"compute_id\":\"" + COMPUTE_ID + "\",\"exp\":" + exp + "}");
    addValid(
        "{\"alg\":\"EdDSA\",\"kid\":\"k\"}",
        "{\"compute_id\":\"" + COMPUTE_ID + "\",\"iss\":\"cplane\"}");
    addValid(
        header,
        "{\"exp\":" + (NOW.getEpochSecond() - 30) + ",\"compute_id\":\"" + COMPUTE_ID + "\"}");
    add("Bearer " + token(key, header, "{\"compute_id\":\"someone-else\",\"exp\":" + exp + "}"));
    add(
        "Bearer "
            + token(
                key,
                header,
                "{\"compute_id\":\""
                    + COMPUTE_ID
                    + "\",\"exp\":"
                    + (NOW.getEpochSecond() - 61)
                    + "}"));
    add("Bearer " + token(otherKey, header, "{\"compute_id\":\"" + COMPUTE_ID + "\"}"));
    add(
        "Bearer "
            + b64("{\"alg\":\"none\"}")
            + "."
            + b64("{\"compute_id\":\"" + COMPUTE_ID + "\"}")
            + ".");
    add("bearer " + token(key, "{\"alg\":\"EdDSA\"}", "[1,2,3]"));
    add("Basic Zm9vOmJhcg==");
  }

  /** The same key in every run, so that a saved input replays the same way. */
  private static KeyPair deterministicKey(int seed) throws GeneralSecurityException {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(new byte[] {(byte) seed, 'f', 'u', 'z', 'z'});
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    g.initialize(NamedParameterSpec.ED25519, random);
    return g.generateKeyPair();
  }

  private static String raw(KeyPair k) {
    byte[] spki = k.getPublic().getEncoded();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
  }

  private void addValid(String header, String claims) throws GeneralSecurityException {
    String t = token(key, header, claims);
    validSigned.add(t.substring(0, t.lastIndexOf('.')));
    add("Bearer " + t);
  }

  private void add(String headerValue) {
    corpus.add(headerValue.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String token(KeyPair k, String header, String claims)
      throws GeneralSecurityException {
    String signingInput = b64(header) + "." + b64(claims);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(k.getPrivate());
    s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
  }

  @Override
  public String name() {
    return "jwt";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        ".",
        "Bearer ",
        "eyJ",
        "=",
        "==",
        "+",
        "/",
        "-",
        "_",
        "\t",
        " ",
        "eyJhbGciOiJub25lIn0",
        "e30");
  }

  @Override
  public boolean isOurError(Throwable t) {
    return t instanceof ApiError;
  }

  @Override
  public void run(byte[] input, Probe probe) {
    String header = new String(input, StandardCharsets.ISO_8859_1);
    if (probe.attempt("authorize", () -> authorizer.authorize(header, "fuzz-request"))) {
      String token = header.substring(7).trim();
      int lastDot = token.lastIndexOf('.');
      if (lastDot < 0 || !validSigned.contains(token.substring(0, lastDot))) {
        probe.fail("a token whose signed part we never signed was accepted: " + header);
      }
    }
  }
}
