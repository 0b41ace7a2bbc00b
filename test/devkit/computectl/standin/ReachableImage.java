package computectl.standin;

import computectl.util.ComputeCtlException;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * compute_ctl runs as the unprivileged Postgres user when we are root, and that user cannot read a
 * checkout under a private home directory (mode 0700, as root's is on Debian). Everything that runs
 * a runtime image as that user goes through here: the image where it is when the user can run it
 * there, else a copy in a directory the user can read.
 */
public final class ReachableImage {
  private ReachableImage() {}

  /** Whether {@code user} (null: ourselves) can run the image's launcher where it is. */
  public static boolean reachable(Path image, String user) {
    if (user == null) {
      return true;
    }
    List<String> test =
        List.of(
            "test",
            "-r",
            image.resolve("bin/compute_ctl").toString(),
            "-a",
            "-x",
            image.resolve("bin/java").toString(),
            "-a",
            "-r",
            image.resolve("lib/app/compute_ctl.jar").toString());
    return run(RunAs.command(user, test)) == 0;
  }

  /**
   * The launcher of {@code image} if {@code user} can run it there, else of a copy made at {@code
   * copy} (which must not exist yet; its parent must be a directory the user can enter) and given
   * to the user.
   */
  public static Path launcher(Path image, String user, Path copy) {
    Path dir = image.toAbsolutePath();
    if (reachable(dir, user)) {
      return dir.resolve("bin/compute_ctl");
    }
    try {
      Files.createDirectories(copy.getParent());
      if (run(List.of("cp", "-a", dir.toString(), copy.toString())) != 0) {
        throw new ComputeCtlException("cannot copy the image " + dir + " to " + copy);
      }
      RunAs.chownTree(user, copy);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot copy the image " + dir + " for user " + user + ": " + e.getMessage(), e);
    }
    if (!reachable(copy, user)) {
      throw new ComputeCtlException(
          "user " + user + " cannot run the copy of the image at " + copy + " either");
    }
    return copy.resolve("bin/compute_ctl");
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
