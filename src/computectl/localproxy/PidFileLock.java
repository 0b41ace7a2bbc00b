package computectl.localproxy;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Who holds a pid file (behaviour.md 12.6). local_proxy keeps its pid file locked with BSD {@code
 * flock(2)} while it runs. Java cannot see that lock: {@code FileChannel.tryLock} takes POSIX
 * record locks, which on Linux are independent of flock locks. So we ask the {@code flock} program
 * (util-linux, already needed for {@code setpriv}) for a non-blocking lock on a read-only
 * descriptor of the file: success means nobody holds it (the lock goes away when the program
 * exits), the conflict exit code means a live owner, whose pid is then read from the file. The
 * shell opens the descriptor so that a vanished file is not re-created, as {@code flock <file>}
 * would do.
 */
final class PidFileLock {
  private static final int CONFLICT = 100;
  private static final String SCRIPT =
      "exec 3<\"$1\" || exit 66; exec flock -n -E " + CONFLICT + " 3";

  private PidFileLock() {}

  /**
   * The pid of the process holding {@code pidFile}, or empty when the file is absent or not held.
   */
  static OptionalLong holder(Path pidFile) {
    if (!Files.exists(pidFile)) {
      return OptionalLong.empty();
    }
    int exit = runFlock(pidFile);
    if (exit == 0) {
      return OptionalLong.empty();
    }
    if (exit != CONFLICT) {
      if (!Files.exists(pidFile)) {
        return OptionalLong.empty(); // removed while we looked: its owner is gone
      }
      throw new ComputeCtlException(
          "cannot test the lock on " + pidFile + ": flock exited with " + exit);
    }
    String content;
    try {
      content = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new ComputeCtlException("cannot read " + pidFile + ": " + e.getMessage(), e);
    }
    try {
      long pid = Long.parseLong(content);
      if (pid <= 0) {
        throw new NumberFormatException();
      }
      return OptionalLong.of(pid);
    } catch (NumberFormatException e) {
      throw new ComputeCtlException(
          "pid file " + pidFile + " is locked but does not hold a pid: \"" + content + "\"");
    }
  }

  private static int runFlock(Path pidFile) {
    try {
      Process p =
          new ProcessBuilder(List.of("sh", "-c", SCRIPT, "sh", pidFile.toString()))
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ComputeCtlException("flock on " + pidFile + " did not finish within 10 s");
      }
      if (!out.isEmpty()) {
        Log.debug("flock " + pidFile + ": " + out);
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot run flock to test " + pidFile + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while testing " + pidFile, e);
    }
  }
}
