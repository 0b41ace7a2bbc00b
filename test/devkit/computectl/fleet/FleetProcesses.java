package computectl.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the fleet's child processes (compute_ctl, Prometheus) have in common: a log and a stop. */
final class FleetProcesses {
  private FleetProcesses() {}

  /**
   * The last {@code lines} lines of {@code log}, for error messages; says so when there is none.
   */
  static String logTail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
