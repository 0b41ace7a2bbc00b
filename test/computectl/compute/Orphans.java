package computectl.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds processes left behind by a compute: anything whose working directory is inside its
 * directory (every Postgres process chdirs into PGDATA) or whose environment names its PGDATA
 * (postgres --sync-safekeepers and what it starts). Reads /proc, so it sees orphans that were
 * re-parented to init as well.
 */
final class Orphans {
  private Orphans() {}

  /** "pid: command line" of each leftover process of the compute whose PGDATA is {@code pgdata}. */
  static List<String> of(Path pgdata) {
    Path home = pgdata.getParent();
    byte[] env = ("PGDATA=" + pgdata).getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .filter(
            h -> {
              Path proc = Path.of("/proc", Long.toString(h.pid()));
              try {
                Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
                if (cwd.startsWith(home)) {
                  return true;
                }
                return contains(Files.readAllBytes(proc.resolve("environ")), env);
              } catch (IOException | SecurityException e) {
                return false; // gone meanwhile, or a kernel thread
              }
            })
        .map(h -> h.pid() + ": " + h.info().commandLine().orElse("?"))
        .toList();
  }

  /** Waits up to {@code seconds} for the compute's processes to be gone; returns what is left. */
  static List<String> awaitNone(Path pgdata, int seconds) throws InterruptedException {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    List<String> left = of(pgdata);
    while (!left.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(100);
      left = of(pgdata);
    }
    return left;
  }

  private static boolean contains(byte[] hay, byte[] entry) {
    // environ is NUL-separated: match a whole entry
    outer:
    for (int i = 0; i + entry.length <= hay.length; i++) {
      if (i > 0 && hay[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < entry.length; j++) {
        if (hay[i + j] != entry[j]) {
          continue outer;
        }
      }
      if (i + entry.length == hay.length || hay[i + entry.length] == 0) {
        return true;
      }
    }
    return false;
  }
}
