package computectl.postgres;

import computectl.util.ChildProcesses;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Postgres server as a child process (behaviour.md 5.7): {@code <pgbin> -D <pgdata>}, stdout
 * inherited, stderr forwarded by a {@link PgLogForwarder}, registered with {@link ChildProcesses}
 * under {@link #PROCESS_NAME} so that signal handling can reach it.
 */
public final class PgProcess {
  public static final String PROCESS_NAME = "postgres";
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
  static final long POLL_MS = 100;
  static final long FAST_POLL_MS = 2;
  static final long FAST_POLL_FOR_MS = 5000;

  private final Process process;
  private final Path pgdata;
  private final PgLogForwarder logs;

  private PgProcess(Process process, Path pgdata, PgLogForwarder logs) {
    this.process = process;
    this.pgdata = pgdata;
    this.logs = logs;
  }

  /** Starts Postgres; logs go to compute_ctl's stderr. {@code authToken} may be null. */
  public static PgProcess start(
      PgCommand command, Path pgdata, String authToken, ChildProcesses children) {
    return start(command, pgdata, authToken, children, PgLogForwarder.stderrSink());
  }

  /** Starts Postgres with its grouped log messages sent to {@code logSink}. */
  public static PgProcess start(
      PgCommand command,
      Path pgdata,
      String authToken,
      ChildProcesses children,
      Consumer<String> logSink) {
    return start(command, pgdata, authToken, children, logSink, PROCESS_NAME);
  }

  static PgProcess start(
      PgCommand command,
      Path pgdata,
      String authToken,
      ChildProcesses children,
      Consumer<String> logSink,
      String name) {
    List<String> cmd = command.command("-D", pgdata.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.PIPE);
    if (authToken != null) {
      pb.environment().put("NEON_AUTH_TOKEN", authToken);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new PgException(
          "cannot start postgres (" + String.join(" ", cmd) + "): " + e.getMessage(), e);
    }
    children.register(name, p);
    closeQuietly(p);
    PgLogForwarder logs = PgLogForwarder.start(p.getErrorStream(), name, logSink);
    Log.info("started " + name + " with pid " + p.pid());
    return new PgProcess(p, pgdata, logs);
  }

  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      Log.debug("closing postgres stdin: " + e.getMessage());
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal by name (INT, TERM, QUIT, HUP, KILL); false when it could not be sent. */
  public boolean signal(String signal) {
    return ChildProcesses.signal(process.pid(), signal);
  }

  /** {@link #waitReady(Duration)} with the 60 s upstream timeout. */
  public void waitReady() {
    waitReady(DEFAULT_READY_TIMEOUT);
  }

  /**
   * Waits until the last line of {@code postmaster.pid} says {@code ready}. Never connects: the
   * file is read every {@link #FAST_POLL_MS} ms for the first {@link #FAST_POLL_FOR_MS} ms (a
   * Postgres start takes tens of milliseconds), then every {@link #POLL_MS} ms. A file-system watch
   * was tried: closing the JDK's watch service waits for its own thread, tens of milliseconds on
   * the critical path, where these reads of a small file cost microseconds.
   */
  public void waitReady(Duration timeout) {
    long started = System.nanoTime();
    Path pidFile = pgdata.resolve("postmaster.pid");
    while (true) {
      if (!process.isAlive()) {
        int code = ExitStatus.of(process.exitValue()).codeOrMinusOne();
        throw new PgException("Postgres exited unexpectedly with code " + code);
      }
      if (isReady(pidFile)) {
        Log.info("PostgreSQL is now running, continuing to configure it");
        return;
      }
      long elapsed = System.nanoTime() - started;
      long left = timeout.toNanos() - elapsed;
      if (left <= 0) {
        throw new PgException("timed out while waiting for Postgres to start");
      }
      long pollMs =
          elapsed < TimeUnit.MILLISECONDS.toNanos(FAST_POLL_FOR_MS) ? FAST_POLL_MS : POLL_MS;
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.MILLISECONDS.toNanos(pollMs), left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PgException("interrupted while waiting for Postgres to start", e);
      }
    }
  }

  /**
   * Waits for Postgres to exit and its logs to be written; the exit code, or null when killed by a
   * signal.
   */
  public Integer waitExit() {
    try {
      int value = process.waitFor();
      if (!logs.join(10_000)) {
        Log.warn("Postgres stderr is still open after it exited; stopped forwarding it");
        logs.stop();
      }
      return ExitStatus.of(value).code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while waiting for Postgres to exit", e);
    }
  }

  /**
   * True when the last line of the pid file, trimmed, is {@code ready} (Postgres pads the word).
   */
  static boolean isReady(Path pidFile) {
    try {
      String text = new String(Files.readAllBytes(pidFile), StandardCharsets.ISO_8859_1);
      String last = text.lines().reduce((a, b) -> b).orElse(null);
      return last != null && last.trim().equals("ready");
    } catch (IOException e) {
      return false;
    }
  }
}
