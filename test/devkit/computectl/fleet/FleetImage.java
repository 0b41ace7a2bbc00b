package computectl.fleet;

import computectl.util.BuildInfo;
import computectl.util.ComputeCtlException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A compute_ctl runtime image ({@code make image}) and the build tag stamped into it. The tag is
 * read from the image's own stamp ({@link BuildInfo#STAMP}), so the fleet's expectations come from
 * what was really built.
 */
public record FleetImage(Path dir, String buildTag) {
  static final String JAR = "lib/app/compute_ctl.jar";

  /**
   * The image in {@code dir}, with the tag it carries ({@code latest} when unstamped, as
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
    try {
      return new FleetImage(dir, BuildInfo.tagOf(dir));
    } catch (UncheckedIOException e) {
      throw new ComputeCtlException(
          "cannot read the build tag of "
              + dir
              + " from "
              + BuildInfo.STAMP
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  public Path launcher() {
    return dir.resolve("bin/compute_ctl");
  }
}
