package computectl.safekeeper;

import computectl.metrics.StartupMetrics;
import computectl.postgres.ExitStatus;
import computectl.postgres.PgCommand;
import computectl.postgres.PgLogForwarder;
import computectl.spec.Lsn;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The full safekeeper sync (behaviour.md 5.5.2): {@code <pgbin> --sync-safekeepers} with PGDATA in
 * the environment (this mode takes no {@code -D}); it logs to stderr and prints the synced LSN on
 * stdout. The child is registered with {@link ChildProcesses} under {@link #PROCESS_NAME} so that
 * the signal handler can SIGTERM it.
 */
public final class SyncSafekeepers {
  public static final String PROCESS_NAME = "sync-safekeepers";
  private static final long DRAIN_MS = 10_000;

  private final PgCommand command;
  private final Path pgdata;
  private final ChildProcesses children;
  private final StartupMetrics metrics;
  private final Duration deadline;
  private final Consumer<String> logSink;

  /** {@code metrics} may be null (nothing recorded). No deadline, as upstream. */
  public SyncSafekeepers(
      PgCommand command, Path pgdata, ChildProcesses children, StartupMetrics metrics) {
    this(command, pgdata, children, metrics, null, PgLogForwarder.stderrSink());
  }

  private SyncSafekeepers(
      PgCommand command,
      Path pgdata,
      ChildProcesses children,
      StartupMetrics metrics,
      Duration deadline,
      Consumer<String> logSink) {
    this.command = command;
    this.pgdata = pgdata;
    this.children = children;
    this.metrics = metrics;
    this.deadline = deadline;
    this.logSink = logSink;
  }

  /**
   * A copy that kills the child and fails when it has not finished within {@code deadline} (null:
   * wait forever).
   */
  public SyncSafekeepers withDeadline(Duration deadline) {
    return new SyncSafekeepers(command, pgdata, children, metrics, deadline, logSink);
  }

  /**
   * A copy that sends the child's grouped stderr messages to {@code sink} instead of compute_ctl's
   * stderr.
   */
  public SyncSafekeepers withLogSink(Consumer<String> sink) {
    return new SyncSafekeepers(command, pgdata, children, metrics, deadline, sink);
  }

  /** Runs the sync and returns the LSN the safekeepers agreed on; {@code authToken} may be null. */
  public Lsn run(String authToken) {
    long started = System.nanoTime();
    Process p = start(authToken);
    PgLogForwarder logs = PgLogForwarder.start(p.getErrorStream(), PROCESS_NAME, logSink);
    FutureTask<byte[]> stdout = new FutureTask<>(() -> p.getInputStream().readAllBytes());
    NamedThreads.start(PROCESS_NAME + "-stdout", stdout);
    ExitStatus status = waitFor(p, logs);
    String out = collect(stdout, logs);
    if (!status.success()) {
      throw new ComputeCtlException(
          "postgres --sync-safekeepers exited with non-zero status: "
              + status
              + ". stdout: "
              + out);
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (metrics != null) {
      metrics.set(StartupMetrics.Field.SYNC_SAFEKEEPERS_MS, ms);
    }
    try {
      Lsn lsn = Lsn.parse(out.trim());
      Log.info("postgres --sync-safekeepers finished in " + ms + " ms at LSN " + lsn);
      return lsn;
    } catch (IllegalArgumentException e) {
      throw new ComputeCtlException(
          "postgres --sync-safekeepers printed no valid LSN on stdout: '" + out.trim() + "'", e);
    }
  }

  private Process start(String authToken) {
    List<String> cmd = command.command("--sync-safekeepers");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PGDATA", pgdata.toString());
    if (authToken != null) {
      pb.environment().put("NEON_AUTH_TOKEN", authToken);
    }
    try {
      // A shutdown sync must not slip past a termination signal's last sweep of the children.
      Process p = children.start(PROCESS_NAME, pb);
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot start postgres --sync-safekeepers ("
              + String.join(" ", cmd)
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private ExitStatus waitFor(Process p, PgLogForwarder logs) {
    try {
      if (deadline == null) {
        return ExitStatus.of(p.waitFor());
      }
      if (p.waitFor(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
        return ExitStatus.of(p.exitValue());
      }
      // Its descendants hold the output pipes too; kill them so that nothing lingers.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(DRAIN_MS, TimeUnit.MILLISECONDS);
      logs.join(DRAIN_MS);
      throw new ComputeCtlException(
          "postgres --sync-safekeepers did not finish within "
              + deadline.toMillis()
              + " ms; it was killed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while waiting for postgres --sync-safekeepers", e);
    }
  }

  /**
   * stdout, after the child's output streams have ended (bounded: a stray grandchild may hold
   * them).
   */
  private static String collect(FutureTask<byte[]> stdout, PgLogForwarder logs) {
    try {
      byte[] bytes = stdout.get(DRAIN_MS, TimeUnit.MILLISECONDS);
      if (!logs.join(DRAIN_MS)) {
        logs.stop();
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      logs.stop();
      throw new ComputeCtlException(
          "postgres --sync-safekeepers exited but its stdout stayed open", e);
    } catch (ExecutionException e) {
      throw new ComputeCtlException(
          "could not read the stdout of postgres --sync-safekeepers: " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException(
          "interrupted while reading postgres --sync-safekeepers output", e);
    }
  }
}
