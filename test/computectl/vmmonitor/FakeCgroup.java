package computectl.vmmonitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** A cgroup v2 tree on disk shaped like the VM's, with {@code neon-postgres} in it. */
final class FakeCgroup implements AutoCloseable {
  static final String NAME = "neon-postgres";
  final Path root;
  final Path dir;

  private FakeCgroup(Path root) {
    this.root = root;
    this.dir = root.resolve(NAME);
  }

  static FakeCgroup create(long usageBytes) {
    try {
      FakeCgroup c = new FakeCgroup(Files.createTempDirectory("vm-monitor-cgroup-"));
      Files.writeString(c.root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
      Files.createDirectories(c.dir);
      c.write("memory.high", "max\n");
      c.write("memory.max", "max\n");
      c.write("memory.low", "0\n");
      c.write("memory.min", "0\n");
      c.write("memory.current", "2147483648\n");
      c.write("memory.swap.current", "0\n");
      c.write("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
      c.write("cgroup.events", "populated 1\nfrozen 0\n");
      c.setUsage(usageBytes);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Atomically replaces memory.stat so that active_anon + inactive_anon == bytes. */
  void setUsage(long bytes) {
    long active = bytes / 4;
    String stat =
        "anon "
            + bytes
            + "\nfile 536870912\nkernel 41943040\nshmem 8388608\nfile_mapped 33554432\n"
            + "inactive_anon "
            + (bytes - active)
            + "\nactive_anon "
            + active
            + "\ninactive_file 268435456\n"
            + "active_file 268435456\nunevictable 0\nslab_reclaimable 4194304\npgfault 123456\n";
    try {
      Path tmp = dir.resolve("memory.stat.tmp");
      Files.writeString(tmp, stat);
      Files.move(
          tmp,
          dir.resolve("memory.stat"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes memory.stat unreadable (a directory), so the poller gets no new samples. */
  void breakMemoryStat() throws IOException {
    Files.delete(dir.resolve("memory.stat"));
    Files.createDirectory(dir.resolve("memory.stat"));
  }

  void removeMemoryStat() throws IOException {
    Files.delete(dir.resolve("memory.stat"));
  }

  void write(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
