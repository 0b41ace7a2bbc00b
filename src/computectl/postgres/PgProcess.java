package computectl.postgres;

import computectl.util.ChildProcesses;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
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
   * file is watched (file-system notifications on PGDATA, plus a 100 ms fallback poll).
   */
  public void waitReady(Duration timeout) {
    long started = System.nanoTime();
    Path pidFile = pgdata.resolve("postmaster.pid");
    WatchService watch = openWatch();
    try {
      while (true) {
        if (!process.isAlive()) {
          int code = ExitStatus.of(process.exitValue()).codeOrMinusOne();
          throw new PgException("Postgres exited unexpectedly with code " + code);
        }
        if (isReady(pidFile)) {
          Log.info("PostgreSQL is now running, continuing to configure it");
          return;
        }
        long left = timeout.toNanos() - (System.nanoTime() - started);
        if (left <= 0) {
          throw new PgException("timed out while waiting for Postgres to start");
        }
        awaitChange(watch, Math.min(TimeUnit.MILLISECONDS.toNanos(POLL_MS), left));
      }
    } finally {
      closeWatch(watch);
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

  private WatchService openWatch() {
    try {
      WatchService ws = pgdata.getFileSystem().newWatchService();
      try {
        pgdata.register(
            ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        return ws;
      } catch (IOException | RuntimeException e) {
        ws.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      Log.debug("cannot watch " + pgdata + " (" + e + "); polling every " + POLL_MS + " ms");
      return null;
    }
  }

  /**
   * Sleeps until something in PGDATA changes or {@code nanos} pass; extra queued events are
   * dropped.
   */
  private static void awaitChange(WatchService watch, long nanos) {
    try {
      if (watch == null) {
        TimeUnit.NANOSECONDS.sleep(nanos);
        return;
      }
      WatchKey key = watch.poll(nanos, TimeUnit.NANOSECONDS);
      while (key != null) {
        key.pollEvents();
        key.reset();
        key = watch.poll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while waiting for Postgres to start", e);
    } catch (ClosedWatchServiceException e) {
      Log.debug("watch service closed: " + e);
    }
  }

  private static void closeWatch(WatchService watch) {
    if (watch == null) {
      return;
    }
    try {
      watch.close();
    } catch (IOException e) {
      Log.debug("closing the PGDATA watch: " + e.getMessage());
    }
  }
}
