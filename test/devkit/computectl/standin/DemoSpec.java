package computectl.standin;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The sample spec of {@code make demo} (the bundled {@code demo-spec.json}): a role {@code app}
 * with {@link #APP_PASSWORD} owning database {@code app}, Postgres on loopback, the pageserver
 * stand-in with {@link #TOKEN}. Also what the container test starts its image with.
 */
public final class DemoSpec {
  public static final String TOKEN = "demo-storage-token";
  public static final String APP_PASSWORD = "app-password";

  private DemoSpec() {}

  /** The spec's JSON for these ports. */
  public static String json(int pageserverPort, int safekeeperPort, int pgPort) throws IOException {
    String template;
    try (InputStream in = DemoSpec.class.getResourceAsStream("demo-spec.json")) {
      if (in == null) {
        throw new ComputeCtlException("demo-spec.json is missing from the dev kit's classes");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return template
        .replace("@PAGESERVER_PORT@", Integer.toString(pageserverPort))
        .replace("@SAFEKEEPER_PORT@", Integer.toString(safekeeperPort))
        .replace("@TOKEN@", TOKEN)
        .replace("@PG_PORT@", Integer.toString(pgPort))
        .replace("@APP_MD5@", md5Hex(APP_PASSWORD + "app"));
  }

  private static String md5Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
