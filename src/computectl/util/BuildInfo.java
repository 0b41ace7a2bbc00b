package computectl.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Facts stamped into the jar at build time: the build tag from {@code BUILD_TAG} (default {@code
 * latest}).
 */
public final class BuildInfo {
  private static final String TAG = load();

  private BuildInfo() {}

  public static String buildTag() {
    return TAG;
  }

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/computectl/build.properties")) {
      if (in == null) {
        return "latest";
      }
      Properties p = new Properties();
      p.load(in);
      String tag = p.getProperty("build_tag", "").trim();
      return tag.isEmpty() ? "latest" : tag;
    } catch (IOException e) {
      return "latest";
    }
  }
}
