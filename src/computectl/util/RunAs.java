package computectl.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL refuses to run as root. When we are root (CI, {@code make demo} as root), the
 * stand-ins and the test harness start Postgres and compute_ctl as an unprivileged user through
 * {@code setpriv}, which keeps the PID, signals and exit code (unlike {@code runuser}).
 *
 * <p>The command also starts in the temporary directory instead of ours: ours is often the
 * checkout, which that user cannot enter when it lies under a private home directory, and
 * Postgres's programs give up when they cannot return to their working directory.
 */
public final class RunAs {
  public static final String DEFAULT_USER = "postgres";

  private RunAs() {}

  public static boolean isRoot() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(l -> l.startsWith("Uid:"))
          .findFirst()
          .map(l -> l.split("\\s+")[2].equals("0"))
          .orElse(false);
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The user to run Postgres as: {@code postgres} when root, else nobody (run as ourselves). */
  public static String unprivilegedUser() {
    return isRoot() ? DEFAULT_USER : null;
  }

  /**
   * {@code cmd} prefixed so that it runs as {@code user}, in the temporary directory (unchanged
   * when user is null).
   */
  public static List<String> command(String user, List<String> cmd) {
    if (user == null) {
      return cmd;
    }
    List<String> out =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + user,
                "--init-groups",
                "--",
                "env",
                "--chdir=" + workingDirectory(),
                "--"));
    out.addAll(cmd);
    return out;
  }

  /** A directory every user can enter: the temporary directory, like /tmp sticky and open. */
  private static String workingDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
  }

  /**
   * A new temporary directory owned by {@code user} (or by us when null), for Postgres to write in.
   */
  public static Path ownedTempDir(String user, String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    chownTree(user, dir);
    return dir;
  }

  /** Gives {@code path} and everything below it to {@code user} (no-op when user is null). */
  public static void chownTree(String user, Path path) throws IOException {
    if (user == null) {
      return;
    }
    UserPrincipal owner =
        path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setOwner(p, owner);
      }
    }
  }
}
