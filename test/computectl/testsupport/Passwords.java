package computectl.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Password hashes as the control plane puts them in specs: bare md5 hex, or a SCRAM-SHA-256
 * verifier.
 */
public final class Passwords {
  private Passwords() {}

  /** md5(password || user) in hex, without the {@code md5} prefix that compute_ctl adds. */
  public static String md5(String user, String password) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      return HexFormat.of()
          .formatHex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 5802/7677, 4096 iterations). */
  public static String scram(String password, byte[] salt) {
    try {
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted =
          f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, 4096, 256)).getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$4096:"
          + b64.encodeToString(salt)
          + "$"
          + b64.encodeToString(storedKey)
          + ":"
          + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }
}
