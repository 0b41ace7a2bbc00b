package computectl.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** PostgreSQL's MD5 password scheme: {@code "md5" + md5hex(md5hex(password + user) + salt)}. */
public final class Md5Password {
  private Md5Password() {}

  /** What pg_authid stores: {@code "md5" + md5hex(password + user)}. */
  public static String stored(String user, String password) {
    return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
  }

  /** The PasswordMessage answer to an MD5 challenge with this 4-byte salt. */
  public static String response(String user, String password, byte[] salt) {
    return responseFromStored(stored(user, password), salt);
  }

  public static String responseFromStored(String stored, byte[] salt) {
    byte[] inner = stored.substring(3).getBytes(StandardCharsets.US_ASCII);
    byte[] salted = new byte[inner.length + salt.length];
    System.arraycopy(inner, 0, salted, 0, inner.length);
    System.arraycopy(salt, 0, salted, inner.length, salt.length);
    return "md5" + md5Hex(salted);
  }

  private static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is missing from this JDK", e);
    }
  }
}
