package computectl.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** Password hashes as Postgres stores them, computed independently of the code under test. */
final class PgPasswords {
  private PgPasswords() {}

  /** The spec's md5 form: hex md5 of password followed by the role name (no {@code md5} prefix). */
  static String md5Digest(String password, String role) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      return HexFormat.of()
          .formatHex(md.digest((password + role).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A {@code SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>} verifier (RFC 5802/7677). */
  static String scramVerifier(String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    int iterations = 4096;
    byte[] salted = saltedPassword(password, salt, iterations);
    byte[] storedKey = sha256(hmac(salted, "Client Key"));
    byte[] serverKey = hmac(salted, "Server Key");
    Base64.Encoder b64 = Base64.getEncoder();
    return "SCRAM-SHA-256$"
        + iterations
        + ":"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(storedKey)
        + ":"
        + b64.encodeToString(serverKey);
  }

  /** Whether a stored SCRAM verifier was made from {@code password} (ASCII or NFKC-stable text). */
  static boolean scramMatches(String verifier, String password) {
    String[] parts = verifier.split("\\$");
    String[] iterSalt = parts[1].split(":");
    String[] keys = parts[2].split(":");
    byte[] salted =
        saltedPassword(
            password, Base64.getDecoder().decode(iterSalt[1]), Integer.parseInt(iterSalt[0]));
    return Arrays.equals(sha256(hmac(salted, "Client Key")), Base64.getDecoder().decode(keys[0]));
  }

  private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    // PBEKeySpec takes chars and encodes them as UTF-8 for PBKDF2WithHmacSHA256.
    try {
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
