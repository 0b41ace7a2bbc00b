package computectl.standin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for processes that must be told their port before they bind it (Postgres, the
 * compute_ctl under test). A port from {@code bind(0)} is free only at that instant: the kernel may
 * give it to any later {@code connect()} as the local port, or to another test, before the child
 * binds it. These ports come from below the kernel's ephemeral range, which it never hands out on
 * its own, and each is reserved by a file lock held until the JVM ends, so no other test JVM on the
 * machine gets it either. A reserved port nobody binds is also a port that refuses connections.
 */
public final class Ports {
  private static final Path LOCK_DIR = Path.of("/tmp/computectl-test-ports");
  private static final int LOWEST = 10_000;
  private static final List<FileLock> HELD = new ArrayList<>();

  private Ports() {}

  /** A port no one else on this machine is given until this JVM ends; free when picked. */
  public static synchronized int reserve() {
    int highest = ephemeralLow() - 1;
    int span = highest - LOWEST + 1;
    int start = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = LOWEST + (start + i) % span;
      if (lock(port) && bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + highest);
  }

  private static boolean lock(int port) {
    try {
      if (!Files.isDirectory(LOCK_DIR)) {
        Files.createDirectories(LOCK_DIR);
        Files.setPosixFilePermissions(LOCK_DIR, PosixFilePermissions.fromString("rwxrwxrwx"));
      }
      FileChannel ch =
          FileChannel.open(
              LOCK_DIR.resolve(Integer.toString(port)),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        ch.close();
        return false;
      }
      HELD.add(lock);
      return true;
    } catch (IOException e) {
      // A lock file of another user's run: not ours to take.
      return false;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int end = 0;
      while (end < range.length() && Character.isDigit(range.charAt(end))) {
        end++;
      }
      return Math.max(LOWEST + 1000, Integer.parseInt(range.substring(0, end)));
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
