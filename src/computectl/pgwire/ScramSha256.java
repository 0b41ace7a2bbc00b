package computectl.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 arithmetic of RFC 5802 / RFC 7677, as PostgreSQL uses it (no channel binding).
 * Shared by our client and the stand-in servers' verifier.
 */
public final class ScramSha256 {
  public static final String MECHANISM = "SCRAM-SHA-256";
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScramSha256() {}

  /** A printable random nonce (base64 of 18 random bytes). */
  public static String nonce() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  public static byte[] randomSalt() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Hi(SASLprep(password), salt, i): PBKDF2 with HMAC-SHA-256 and one output block. */
  public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    byte[] key = SaslPrep.prepareOrRaw(password).getBytes(StandardCharsets.UTF_8);
    Mac mac = mac(key);
    mac.update(salt);
    mac.update(new byte[] {0, 0, 0, 1});
    byte[] u = mac.doFinal();
    byte[] result = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < result.length; j++) {
        result[j] ^= u[j];
      }
    }
    return result;
  }

  public static byte[] clientProof(byte[] saltedPassword, String authMessage) {
    byte[] clientKey = hmac(saltedPassword, "Client Key");
    byte[] signature = hmac(sha256(clientKey), authMessage);
    return xor(clientKey, signature);
  }

  public static byte[] serverSignature(byte[] saltedPassword, String authMessage) {
    return hmac(hmac(saltedPassword, "Server Key"), authMessage);
  }

  /** The verifier's check: does the proof come from someone who knows the salted password? */
  public static boolean verifyClientProof(byte[] saltedPassword, String authMessage, byte[] proof) {
    byte[] storedKey = sha256(hmac(saltedPassword, "Client Key"));
    byte[] signature = hmac(storedKey, authMessage);
    if (proof.length != signature.length) {
      return false;
    }
    return MessageDigest.isEqual(sha256(xor(proof, signature)), storedKey);
  }

  public static byte[] hmac(byte[] key, String data) {
    return mac(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // HMAC pads keys with zero bytes, so an empty key equals a single zero byte; the JDK
      // refuses empty keys, and an empty password is a legal (if silly) SCRAM secret.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
