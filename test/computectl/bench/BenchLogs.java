package computectl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps compute_ctl's log of each bench run under {@code <out>/logs}, for looking into a figure.
 */
final class BenchLogs {
  private static volatile Path dir;

  private BenchLogs() {}

  static void into(Path logDir) throws IOException {
    Files.createDirectories(logDir);
    dir = logDir;
  }

  static void save(String name, String log) throws IOException {
    if (dir != null) {
      Files.writeString(dir.resolve(name + ".log"), log);
    }
  }
}
