package computectl.vmmonitor;

import computectl.util.Log;
import computectl.util.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Samples a cgroup v2's non-reclaimable memory ({@code active_anon + inactive_anon} of {@code
 * memory.stat}) at a fixed rate on its own thread, keeping the rolling mean of the last {@link
 * MemoryWindow#SIZE} samples. Late ticks are skipped, not made up. Only reads cgroup files.
 */
final class CgroupWatcher {
  private final Path memoryStat;
  private final LongSupplier clock;
  private final long intervalNanos;
  private final AtomicLong failedReads = new AtomicLong();
  private final Runnable onSummary;
  private final MemoryWindow window = new MemoryWindow();
  private volatile MemorySummary latest;
  private boolean readFailing;
  private Worker worker;

  private CgroupWatcher(
      Path memoryStat, LongSupplier clock, long intervalNanos, Runnable onSummary) {
    this.memoryStat = memoryStat;
    this.clock = clock;
    this.intervalNanos = intervalNanos;
    this.onSummary = onSummary;
  }

  /**
   * Checks that {@code cgroup} under {@code root} can be watched, then starts sampling (the first
   * sample is taken at once). {@code onSummary} runs on the sampling thread after each sample.
   */
  static CgroupWatcher start(VmMonitorConfig config, String threadName, Runnable onSummary) {
    Path dir = checkUsable(config.cgroupRoot(), config.cgroup(), config.cgroupV2Check());
    CgroupWatcher w =
        new CgroupWatcher(
            dir.resolve("memory.stat"),
            config.nanoClock(),
            config.pollInterval().toNanos(),
            onSummary);
    w.worker = new Worker(threadName, w::run).start();
    return w;
  }

  /** The cgroup's directory, after checking what upstream checks; else why it cannot be used. */
  static Path checkUsable(Path root, String cgroup, Predicate<Path> isCgroupV2) {
    if (!isCgroupV2.test(root)) {
      throw new VmMonitorException("cgroups v2 not supported: " + root + " is not a cgroup2 mount");
    }
    Path controllers = root.resolve("cgroup.controllers");
    try {
      if (!List.of(Files.readString(controllers).trim().split("\\s+")).contains("memory")) {
        throw new VmMonitorException("could not find memory subsystem in " + controllers);
      }
    } catch (IOException e) {
      throw new VmMonitorException(
          "could not find memory subsystem: cannot read " + controllers + ": " + e, e);
    }
    Path dir = root.resolve(cgroup).normalize();
    if (cgroup.isEmpty() || Path.of(cgroup).isAbsolute() || !dir.startsWith(root.normalize())) {
      throw new VmMonitorException(
          "invalid cgroup name \"" + cgroup + "\": must be a path relative to " + root);
    }
    if (!Files.isDirectory(dir)) {
      throw new VmMonitorException(
          "cgroup \"" + cgroup + "\" does not exist (no directory " + dir + ")");
    }
    return dir;
  }

  /** True if {@code root} is where a cgroup2 filesystem is mounted, per /proc/self/mountinfo. */
  static boolean isCgroup2Mount(Path root) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] halves = line.split(" - ", 2);
        String[] fields = halves[0].split(" ");
        if (halves.length == 2
            && fields.length > 4
            && halves[1].startsWith("cgroup2 ")
            && unescapeMountPath(fields[4]).equals(root.toAbsolutePath().normalize().toString())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      Log.warn("vm-monitor: cannot read /proc/self/mountinfo: " + e.getMessage());
      return false;
    }
  }

  private static String unescapeMountPath(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\' && i + 3 < s.length()) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(s.charAt(i));
      }
    }
    return sb.toString();
  }

  /** {@code active_anon + inactive_anon} from memory.stat text; missing keys count as 0. */
  static long parseNonReclaimable(String memoryStat) {
    long total = 0;
    for (String line : memoryStat.split("\n")) {
      String[] kv = line.split(" ");
      if (kv.length != 2 || !(kv[0].equals("active_anon") || kv[0].equals("inactive_anon"))) {
        continue;
      }
      try {
        long v = Long.parseLong(kv[1].trim());
        total = v < 0 || total + v < total ? Long.MAX_VALUE : total + v;
      } catch (NumberFormatException e) {
        // a line of another shape: skipped, as upstream does
      }
    }
    return total;
  }

  MemorySummary latest() {
    return latest;
  }

  /** How many times reading memory.stat failed (no sample taken) so far. */
  long failedReads() {
    return failedReads.get();
  }

  void stop() {
    worker.close();
  }

  /** Samples at a fixed rate: a slow sample shortens the next wait, a missed tick is skipped. */
  private void run(Worker w) {
    long next = System.nanoTime();
    do {
      sample();
      next += intervalNanos;
      long now = System.nanoTime();
      if (now > next) {
        next += ((now - next) / intervalNanos + 1) * intervalNanos;
      }
    } while (w.sleep(Duration.ofNanos(next - System.nanoTime())));
  }

  private void sample() {
    long value;
    try {
      value = parseNonReclaimable(Files.readString(memoryStat));
      readFailing = false;
    } catch (NoSuchFileException e) {
      value = 0;
    } catch (IOException | RuntimeException e) {
      failedReads.incrementAndGet();
      // No sample rather than a made-up 0: stale stats make downscales fail instead of pass.
      if (!readFailing) {
        Log.warn(
            "vm-monitor: cannot read "
                + memoryStat
                + ": "
                + e
                + " (skipping samples until it is readable)");
        readFailing = true;
      }
      return;
    }
    latest = window.add(value, clock.getAsLong());
    onSummary.run();
  }
}
