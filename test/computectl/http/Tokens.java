package computectl.http;

import computectl.spec.Jwk;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/** An Ed25519 signing key made with the JDK, its JWK, and compact JWS tokens signed with it. */
public final class Tokens {
  final KeyPair pair;
  final String kid;

  public Tokens(String kid) {
    try {
      this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.kid = kid;
  }

  /** The public JWK: the raw key is the last 32 bytes of the X.509 encoding. */
  public Jwk jwk() {
    byte[] spki = pair.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return new Jwk(kid, "OKP", "Ed25519", b64(raw), "EdDSA");
  }

  public String token(String claimsJson) {
    return token("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", claimsJson);
  }

  String token(String headerJson, String claimsJson) {
    String signingInput =
        b64(headerJson.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64(claimsJson.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token for {@code computeId} expiring {@code expiresIn} seconds from now. */
  public String forCompute(String computeId, long expiresIn) {
    long exp = System.currentTimeMillis() / 1000 + expiresIn;
    return token("{\"compute_id\":\"" + computeId + "\",\"exp\":" + exp + "}");
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
