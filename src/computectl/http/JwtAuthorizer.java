package computectl.http;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.spec.Jwk;
import computectl.util.JsonDepth;
import computectl.util.Log;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Authorization of the external API's protected routes (behaviour.md 9.3): a Bearer JWT signed with
 * EdDSA (Ed25519) by one of the JWKS keys, {@code exp} (when present) checked with 60 s of leeway,
 * and the claim {@code compute_id} equal to ours.
 *
 * <p>Deliberately no loopback bypass (docs/upstream.md, HTTP API): upstream's bypass only ever
 * matched a real {@code ::1} peer (IPv4 clients arrive IPv4-mapped on its dual-stack socket, so
 * 127.0.0.1 was never bypassed) and it was removed upstream soon after the seed. With keys
 * configured, every request to a protected route needs a valid token, whatever its address.
 */
public final class JwtAuthorizer {
  static final long LEEWAY_SECONDS = 60;

  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the 32 raw key bytes follow. */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final List<Jwk> jwks;
  private final String computeId;
  private final Clock clock;
  private volatile boolean warnedUnconfigured;

  public JwtAuthorizer(List<Jwk> jwks, String computeId, Clock clock) {
    this.jwks = List.copyOf(jwks);
    this.computeId = computeId;
    this.clock = clock;
  }

  /** Throws the 400/401 {@link ApiError} upstream answers with, or returns when allowed. */
  public void authorize(String authorizationHeader, String requestId) {
    if (jwks.isEmpty()) {
      if (!warnedUnconfigured) {
        warnedUnconfigured = true;
        Log.warn("request " + requestId + ": Authorization has not been configured");
      }
      return;
    }
    String token = bearerToken(authorizationHeader);
    if (token == null) {
      throw new ApiError(400, "invalid authorization token");
    }
    JsonObject claims = verify(token);
    JsonValue id = claims.get("compute_id");
    if (!id.asString().equals(computeId)) {
      throw new ApiError(401, "invalid claims in authorization token");
    }
  }

  /** The token of {@code Bearer <token>} (scheme case-insensitive), or null when malformed. */
  static String bearerToken(String header) {
    if (header == null
        || header.length() <= 7
        || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** The claims of the first key that verifies the token; 401 when none does. */
  private JsonObject verify(String token) {
    for (Jwk jwk : jwks) {
      String kid = jwk.kid() == null ? "(key without kid)" : jwk.kid();
      PublicKey key;
      try {
        key = publicKey(jwk);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        Log.warn("Failed to construct decoding key from " + kid + ": " + e.getMessage());
        continue;
      }
      try {
        return decode(token, key);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        Log.warn("Failed to decode authorization token using " + kid + ": " + e.getMessage());
      }
    }
    throw new ApiError(401, "Failed to verify authorization token");
  }

  /** The Ed25519 public key of an OKP JWK, from its base64url {@code x}. */
  static PublicKey publicKey(Jwk jwk) throws GeneralSecurityException {
    if (!"OKP".equals(jwk.kty()) || !"Ed25519".equals(jwk.crv()) || jwk.x() == null) {
      throw new GeneralSecurityException(
          "not an Ed25519 key (kty " + jwk.kty() + ", crv " + jwk.crv() + ")");
    }
    byte[] raw = base64Url(jwk.x());
    if (raw.length != 32) {
      throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, x has " + raw.length);
    }
    byte[] der = new byte[ED25519_SPKI_PREFIX.length + 32];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, der, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  /** Checks the header, signature and claims of a compact JWS; returns its claims. */
  private JsonObject decode(String token, PublicKey key) throws GeneralSecurityException {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("a JWT has three parts, this one has " + parts.length);
    }
    JsonObject header = jsonObject(parts[0], "header");
    JsonValue alg = header.get("alg");
    if (alg == null || !alg.isString() || !alg.asString().equals("EdDSA")) {
      throw new IllegalArgumentException("InvalidAlgorithm");
    }
    Signature sig = Signature.getInstance("Ed25519");
    sig.initVerify(key);
    sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!sig.verify(base64Url(parts[2]))) {
      throw new IllegalArgumentException("InvalidSignature");
    }
    JsonObject claims = jsonObject(parts[1], "claims");
    checkExpiry(claims.get("exp"));
    JsonValue id = claims.get("compute_id");
    if (id == null || !id.isString()) {
      throw new IllegalArgumentException("claims need a string compute_id");
    }
    return claims;
  }

  private void checkExpiry(JsonValue exp) {
    if (exp == null) {
      return;
    }
    if (!exp.isNumber() || exp.asDouble() != Math.rint(exp.asDouble()) || exp.asDouble() < 0) {
      throw new IllegalArgumentException("exp is not a whole number of seconds");
    }
    if ((long) exp.asDouble() + LEEWAY_SECONDS < clock.instant().getEpochSecond()) {
      throw new IllegalArgumentException("ExpiredSignature");
    }
  }

  private static JsonObject jsonObject(String part, String what) {
    JsonValue v;
    String text = new String(base64Url(part), StandardCharsets.UTF_8);
    // Before any signature check: an anonymous header must not be able to exhaust the stack.
    if (JsonDepth.tooDeep(text, JsonDepth.MAX) != null) {
      throw new IllegalArgumentException("the " + what + " is nested too deeply");
    }
    try {
      v = Json.parse(text);
    } catch (com.eclipsesource.json.ParseException e) {
      throw new IllegalArgumentException("the " + what + " is not JSON");
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("the " + what + " is not a JSON object");
    }
    return v.asObject();
  }

  /** Unpadded base64url, strictly (as JWTs are written). */
  static byte[] base64Url(String s) {
    if (s.indexOf('=') >= 0) {
      throw new IllegalArgumentException("padding in base64url");
    }
    return Base64.getUrlDecoder().decode(s);
  }
}
