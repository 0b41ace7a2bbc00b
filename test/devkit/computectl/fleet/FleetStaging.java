package computectl.fleet;

import computectl.util.ComputeCtlException;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * compute_ctl runs as the unprivileged Postgres user when we are root; a checkout under a private
 * home directory is out of that user's reach, so the image is then copied to a place it can read.
 */
final class FleetStaging {
  private FleetStaging() {}

  static Path reachableLauncher(FleetImage image, String user, Path stageDir) {
    if (user == null
        || run(
                RunAs.command(
                    user, List.of("test", "-x", image.dir().resolve("bin/java").toString())))
            == 0) {
      return image.launcher();
    }
    try {
      Files.createDirectories(stageDir.getParent());
      if (run(List.of("cp", "-a", image.dir().toString(), stageDir.toString())) != 0) {
        throw new ComputeCtlException("cannot copy the image " + image.dir() + " to " + stageDir);
      }
      RunAs.chownTree(user, stageDir);
      return stageDir.resolve("bin/compute_ctl");
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot stage the image " + image.dir() + " for user " + user + ": " + e.getMessage(), e);
    }
  }

  private static int run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
