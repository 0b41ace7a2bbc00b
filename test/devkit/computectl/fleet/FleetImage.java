package computectl.fleet;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * A compute_ctl runtime image ({@code make image}) and the build tag stamped into it. The tag is
 * read from the image's own jar, so the fleet's expectations come from what was really built.
 */
public record FleetImage(Path dir, String buildTag) {
  static final String JAR = "lib/app/compute_ctl.jar";
  static final String STAMP = "computectl/build.properties";

  /**
   * The image in {@code dir}, with the tag its jar carries ({@code latest} when unstamped, as
   * compute_ctl does).
   */
  public static FleetImage read(Path dir) {
    Path jar = dir.resolve(JAR);
    if (!Files.isRegularFile(dir.resolve("bin/compute_ctl")) || !Files.isRegularFile(jar)) {
      throw new ComputeCtlException(
          dir
              + " is not a compute_ctl runtime image (no bin/compute_ctl or "
              + JAR
              + "); build one with make image");
    }
    try (JarFile jf = new JarFile(jar.toFile())) {
      ZipEntry e = jf.getEntry(STAMP);
      if (e == null) {
        return new FleetImage(dir, "latest");
      }
      Properties p = new Properties();
      try (InputStream in = jf.getInputStream(e)) {
        p.load(in);
      }
      String tag = p.getProperty("build_tag", "").trim();
      return new FleetImage(dir, tag.isEmpty() ? "latest" : tag);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot read the build tag of " + jar + ": " + e.getMessage(), e);
    }
  }

  public Path launcher() {
    return dir.resolve("bin/compute_ctl");
  }
}
