package computectl.tools;

import computectl.util.ChildProcesses;
import computectl.util.IoErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A thread dump of a running compute_ctl JVM without jcmd (the runtime image has no JDK tools) and
 * without an HTTP route (the internal port has no authorization): HotSpot's own attach protocol,
 * spoken directly. A trigger file {@code .attach_pid<pid>} plus SIGQUIT make the JVM open {@code
 * /tmp/.java_pid<pid>}, a Unix socket that only its own user (or root) may use; the {@code
 * threaddump} command answers with the same text as jstack. Paths go through {@code
 * /proc/<pid>/root} and the pid is the one inside the process's pid namespace, so this also works
 * into a container.
 */
final class ThreadDump {
  /** SIGQUIT is signal 3: bit 2 of the caught-signals mask. */
  private static final long SIGQUIT_BIT = 1L << 2;

  private ThreadDump() {}

  static String of(long pid, Duration timeout) {
    long nspid = namespacePid(pid);
    Path socket = Path.of("/proc", Long.toString(pid), "root", "tmp", ".java_pid" + nspid);
    if (!Files.exists(socket)) {
      startAttachListener(pid, nspid, socket, timeout);
    }
    return request(socket, timeout);
  }

  private static long namespacePid(long pid) {
    String ns = RunningCompute.status(pid, "NSpid:").orElse(Long.toString(pid));
    String[] ids = ns.trim().split("\\s+");
    return Long.parseLong(ids[ids.length - 1]);
  }

  /**
   * Before the JVM has installed its handler (or with -Xrs), SIGQUIT would kill the compute instead
   * of starting the listener: send it only when the signal is caught.
   */
  private static void startAttachListener(long pid, long nspid, Path socket, Duration timeout) {
    long caught =
        RunningCompute.status(pid, "SigCgt:").map(h -> Long.parseUnsignedLong(h, 16)).orElse(0L);
    if ((caught & SIGQUIT_BIT) == 0) {
      throw new ToolException(
          "process "
              + pid
              + " does not handle SIGQUIT (JVM still starting, or run with -Xrs);"
              + " no thread dump");
    }
    Path trigger = createTrigger(pid, nspid);
    try {
      if (!ChildProcesses.signal(pid, "QUIT")) {
        throw new ToolException("could not send SIGQUIT to process " + pid);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!Files.exists(socket)) {
        if (System.nanoTime() > deadline) {
          throw new ToolException(
              "the JVM of process "
                  + pid
                  + " did not open its attach socket within "
                  + timeout.toSeconds()
                  + " s");
        }
        sleep(50);
      }
    } finally {
      try {
        Files.deleteIfExists(trigger);
      } catch (IOException e) {
        // the JVM ignores a stale trigger file once its listener runs
      }
    }
  }

  /** The JVM looks in its working directory first, then in its /tmp. */
  private static Path createTrigger(long pid, long nspid) {
    String name = ".attach_pid" + nspid;
    Path proc = Path.of("/proc", Long.toString(pid));
    IOException last = null;
    for (Path dir : new Path[] {proc.resolve("cwd"), proc.resolve("root").resolve("tmp")}) {
      try {
        Path f = dir.resolve(name);
        Files.deleteIfExists(f);
        return Files.createFile(f);
      } catch (IOException e) {
        last = e;
      }
    }
    throw new ToolException(
        "cannot create the attach trigger file for process " + pid + ": " + IoErrors.describe(last),
        last);
  }

  private static String request(Path socket, Duration timeout) {
    byte[] command = "1\0threaddump\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(command);
      while (out.hasRemaining()) {
        ch.write(out);
      }
      String reply = readAll(ch, timeout);
      int nl = reply.indexOf('\n');
      String code = nl < 0 ? reply.trim() : reply.substring(0, nl).trim();
      if (!code.equals("0")) {
        throw new ToolException(
            "the JVM refused the thread dump request (code "
                + code
                + "): "
                + reply.substring(nl + 1).trim());
      }
      return reply.substring(nl + 1);
    } catch (IOException e) {
      throw new ToolException("thread dump over " + socket + " failed: " + IoErrors.describe(e), e);
    }
  }

  private static String readAll(SocketChannel ch, Duration timeout) throws IOException {
    ch.configureBlocking(false);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(64 << 10);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Selector selector = Selector.open()) {
      ch.register(selector, SelectionKey.OP_READ);
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new ToolException(
              "the thread dump did not finish within " + timeout.toSeconds() + " s");
        }
        selector.select(left);
        selector.selectedKeys().clear();
        int n = ch.read(buf);
        if (n < 0) {
          return data.toString(StandardCharsets.UTF_8);
        }
        data.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException("interrupted while waiting for the attach socket");
    }
  }
}
