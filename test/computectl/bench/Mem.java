package computectl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process from /proc/PID/status, in KiB: all of it, and its anonymous part.
 */
record Mem(long rssKib, long anonKib) {
  static Mem of(long pid) throws IOException {
    long rss = -1;
    long anon = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("RssAnon:")) {
        anon = kib(line);
      }
    }
    return new Mem(rss, anon);
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  double rssMib() {
    return rssKib / 1024.0;
  }

  double anonMib() {
    return anonKib / 1024.0;
  }
}
