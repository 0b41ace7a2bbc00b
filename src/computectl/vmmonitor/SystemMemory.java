package computectl.vmmonitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's {@code MemTotal}, re-read on every agent connection so hot-plugged memory counts.
 */
public final class SystemMemory {
  private SystemMemory() {}

  /** MemTotal in bytes from /proc/meminfo. */
  public static long memTotalBytes() {
    return memTotalBytes(Path.of("/proc/meminfo"));
  }

  static long memTotalBytes(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
          if (parts.length == 2 && parts[1].equals("kB")) {
            return Long.parseLong(parts[0]) * 1024;
          }
          throw new VmMonitorException("unexpected MemTotal line in " + meminfo + ": " + line);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new VmMonitorException(
          "could not read MemTotal from " + meminfo + ": " + e.getMessage(), e);
    }
    throw new VmMonitorException("no MemTotal line in " + meminfo);
  }
}
