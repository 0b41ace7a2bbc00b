package computectl.reconcile;

import computectl.util.Log;
import computectl.util.OneLine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs a {@link Plan}: stages in order, a failed stage stops the application (behaviour.md 6.5).
 * Concurrent stages run their database tasks on at most {@code concurrency} named threads, which
 * this executor stops before the stage returns.
 */
final class PlanExecutor {
  private static final AtomicInteger POOL_SEQ = new AtomicInteger();

  private final MaintenanceConnector connections;
  private final int concurrency;

  /** Connections opened ahead for the per-database stage, by database ({@link #openAhead}). */
  private final Map<String, Connection> openedAhead = new ConcurrentHashMap<>();

  /** The databases the per-database stage will connect to; set by {@link #run}. */
  private Set<String> enteredLater = Set.of();

  PlanExecutor(MaintenanceConnector connections, int concurrency) {
    this.connections = connections;
    this.concurrency = Math.max(1, concurrency);
  }

  /** Runs the plan; {@code system} is the open connection to the system database. */
  void run(Plan plan, Connection system) {
    enteredLater = enteredByPerDatabaseStages(plan);
    try {
      for (Stage stage : plan.stages()) {
        Log.info("Applying stage: " + stage.name());
        // An if chain, not a switch on the enum: that compiles to a class of its own, and the
        // app jar has a size limit.
        if (stage.kind() == Stage.Kind.SYSTEM) {
          runOn(system, stage.tasks());
        } else if (stage.kind() == Stage.Kind.SYSTEM_BY_DATABASE) {
          runBySystemDatabase(stage, system);
        } else {
          runConcurrently(stage);
        }
      }
    } finally {
      openedAhead.forEach((db, c) -> closeQuietly(c, db));
      openedAhead.clear();
    }
  }

  private static Set<String> enteredByPerDatabaseStages(Plan plan) {
    return plan.stages().stream()
        .filter(s -> s.kind() == Stage.Kind.PER_DATABASE)
        .flatMap(s -> s.tasks().stream())
        .filter(t -> !t.isEmpty())
        .map(DatabaseTask::database)
        .collect(Collectors.toSet());
  }

  /**
   * After a lane's task, while the other lanes still work: the connection that the per-database
   * stage will need in that database, at most {@code concurrency} of them. A new database's first
   * backend builds its catalog caches, several milliseconds that would otherwise come after the
   * last database is created. A failure is left to that stage, which connects again and reports.
   */
  private void openAhead(String database) {
    if (!enteredLater.contains(database) || openedAhead.size() >= concurrency) {
      return;
    }
    try {
      Connection c = connections.open(database);
      if (openedAhead.putIfAbsent(database, c) != null) {
        closeQuietly(c, database);
      }
    } catch (SQLException e) {
      Log.debug(
          "opening a connection to database "
              + OneLine.escape(database)
              + " ahead failed: "
              + e.getMessage());
    }
  }

  /** The connection opened ahead for {@code database}, else a new one. */
  private Connection open(String database) throws SQLException {
    Connection c = openedAhead.remove(database);
    return c != null ? c : connections.open(database);
  }

  /** The tasks' phases in order on one connection to the system database. */
  private void runOn(Connection system, List<DatabaseTask> tasks) {
    String systemDb = connections.systemDatabase();
    for (DatabaseTask task : tasks) {
      for (Phase phase : task.phases()) {
        runPhase(system, phase, systemDb);
      }
    }
  }

  /**
   * Up to {@code concurrency} lanes take the stage's tasks in turn, each lane on its own connection
   * to the system database: the first lane runs here on the shared connection, the others on pool
   * threads with connections of their own. A lane that cannot connect leaves the tasks to the
   * others. Every task finishes, then the first failure in task order is thrown.
   */
  private void runBySystemDatabase(Stage stage, Connection system) {
    List<DatabaseTask> tasks = stage.tasks();
    int lanes = Math.min(concurrency, tasks.size());
    if (lanes <= 1) {
      runOn(system, tasks);
      return;
    }
    RuntimeException[] failures = new RuntimeException[tasks.size()];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(lanes - 1, threadNames());
    try {
      List<Future<?>> others = new ArrayList<>();
      for (int i = 1; i < lanes; i++) {
        others.add(pool.submit(() -> runLaneOnNewConnection(tasks, next, failures)));
      }
      runLane(system, tasks, next, failures);
      for (Future<?> f : others) {
        RuntimeException e = outcome(f);
        if (e != null) {
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (RuntimeException e : failures) {
      if (e != null) {
        throw e;
      }
    }
  }

  private void runLaneOnNewConnection(
      List<DatabaseTask> tasks, AtomicInteger next, RuntimeException[] failures) {
    if (next.get() >= tasks.size()) {
      return;
    }
    String systemDb = connections.systemDatabase();
    Connection c;
    try {
      c = connections.open(systemDb);
    } catch (SQLException e) {
      Log.warn(
          "could not open another connection to database "
              + OneLine.escape(systemDb)
              + " ("
              + e.getMessage()
              + "); the other connections run its share");
      return;
    }
    try {
      runLane(c, tasks, next, failures);
    } finally {
      closeQuietly(c, systemDb);
    }
  }

  /** Takes tasks until none is left; a failed task is recorded and the lane goes on. */
  private void runLane(
      Connection c, List<DatabaseTask> tasks, AtomicInteger next, RuntimeException[] failures) {
    String systemDb = connections.systemDatabase();
    for (int i = next.getAndIncrement(); i < tasks.size(); i = next.getAndIncrement()) {
      try {
        for (Phase phase : tasks.get(i).phases()) {
          runPhase(c, phase, systemDb);
        }
        openAhead(tasks.get(i).database());
      } catch (RuntimeException e) {
        failures[i] = e;
      }
    }
  }

  private static ThreadFactory threadNames() {
    int seq = POOL_SEQ.incrementAndGet();
    AtomicInteger threadSeq = new AtomicInteger();
    return r -> new Thread(r, "apply-db-" + seq + "-" + threadSeq.incrementAndGet());
  }

  private void runConcurrently(Stage stage) {
    if (stage.tasks().isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(concurrency, stage.tasks().size()), threadNames());
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
      c = open(task.database());
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
