package computectl.reconcile;

import computectl.util.Log;
import computectl.util.OneLine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Plan}: stages in order, a failed stage stops the application (behaviour.md 6.5).
 * Concurrent stages run their database tasks on at most {@code concurrency} named threads, which
 * this executor stops before the stage returns.
 */
final class PlanExecutor {
  private static final AtomicInteger POOL_SEQ = new AtomicInteger();

  private final MaintenanceConnector connections;
  private final int concurrency;

  PlanExecutor(MaintenanceConnector connections, int concurrency) {
    this.connections = connections;
    this.concurrency = Math.max(1, concurrency);
  }

  /** Runs the plan; {@code system} is the open connection to the system database. */
  void run(Plan plan, Connection system) {
    for (Stage stage : plan.stages()) {
      Log.info("Applying stage: " + stage.name());
      if (stage.concurrent()) {
        runConcurrently(stage);
      } else {
        for (DatabaseTask task : stage.tasks()) {
          for (Phase phase : task.phases()) {
            runPhase(system, phase, task.database());
          }
        }
      }
    }
  }

  private void runConcurrently(Stage stage) {
    if (stage.tasks().isEmpty()) {
      return;
    }
    int seq = POOL_SEQ.incrementAndGet();
    AtomicInteger threadSeq = new AtomicInteger();
    ThreadFactory names = r -> new Thread(r, "apply-db-" + seq + "-" + threadSeq.incrementAndGet());
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(concurrency, stage.tasks().size()), names);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (DatabaseTask task : stage.tasks()) {
        futures.add(pool.submit(() -> runTask(task)));
      }
      // Every task finishes before we report, so nothing keeps running behind a failure.
      List<RuntimeException> errors = new ArrayList<>();
      for (Future<?> f : futures) {
        RuntimeException e = outcome(f);
        if (e != null) {
          errors.add(e);
        }
      }
      for (RuntimeException e : errors) {
        if (stage.kind() == Stage.Kind.PRE_DROP
            && String.valueOf(e.getMessage()).contains("does not exist")) {
          // The drop itself does not check existence either; a retry may find the database gone.
          Log.warn("ignoring error in pre-drop cleanup: " + e.getMessage());
          continue;
        }
        throw e;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static RuntimeException outcome(Future<?> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        return r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      return new ReconcileException("database task failed: " + cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ReconcileException("interrupted while applying the spec");
    }
  }

  private void runTask(DatabaseTask task) {
    if (task.skipped()) {
      Log.warn(
          "skipping per-database phases in "
              + OneLine.escape(task.database())
              + ": "
              + OneLine.escape(task.skipReason()));
      return;
    }
    if (task.isEmpty()) {
      return;
    }
    Connection c;
    try {
      c = connections.open(task.database());
    } catch (SQLException e) {
      String first =
          task.phases().stream().filter(p -> !p.isEmpty()).map(Phase::name).findFirst().orElse("?");
      throw new ReconcileException(
          "phase " + first + ": could not connect to database " + OneLine.escape(task.database()),
          e);
    }
    try {
      for (Phase phase : task.phases()) {
        runPhase(c, phase, task.database());
      }
    } finally {
      closeQuietly(c, task.database());
    }
  }

  private static void closeQuietly(Connection c, String database) {
    try {
      c.close();
    } catch (SQLException e) {
      Log.warn(
          "closing the connection to database "
              + OneLine.escape(database)
              + " failed: "
              + e.getMessage());
    }
  }

  /** Every statement runs; afterwards the phase fails with the first error (behaviour.md 6.5). */
  static void runPhase(Connection c, Phase phase, String database) {
    if (phase.isEmpty()) {
      return;
    }
    Log.info("Applying phase " + phase.name() + " in database " + OneLine.escape(database));
    ReconcileException first = null;
    for (SqlStatement s : phase.statements()) {
      try (Statement st = c.createStatement()) {
        // JDBC escapes ({fn ...}, {d ...}) must not be interpreted inside names and values.
        st.setEscapeProcessing(false);
        st.execute(s.sql());
        Log.debug("phase " + phase.name() + ": done: " + OneLine.escape(s.comment()));
      } catch (SQLException e) {
        ReconcileException failure =
            ReconcileException.statementFailed(phase.name(), database, s.comment(), e);
        Log.warn(failure.getMessage());
        if (first == null) {
          first = failure;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
