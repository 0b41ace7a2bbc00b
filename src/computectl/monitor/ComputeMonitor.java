package computectl.monitor;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.postgres.PgConnector;
import computectl.spec.Feature;
import computectl.util.Log;
import computectl.util.Worker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code compute-monitor} thread (behaviour.md 8): every 500 ms, decide whether Postgres is in
 * use and move {@code last_active} forward. It waits for Running first, keeps one connection and
 * reconnects when Postgres is unreachable or restarted, and stops with the compute.
 */
public final class ComputeMonitor implements AutoCloseable {
  static final Duration PERIOD = Duration.ofMillis(500);
  static final String APPLICATION_NAME = "compute_ctl:activity_monitor";

  private final ComputeNode node;
  private final PgConnector connector;
  private final Worker worker;
  private Connection conn;
  private double[] previousStats;

  public ComputeMonitor(ComputeNode node, PgConnector connector) {
    this.node = node;
    this.connector = connector;
    this.worker = new Worker("compute-monitor", this::loop);
  }

  public void start() {
    worker.start();
  }

  private void loop(Worker w) throws InterruptedException {
    try {
      if (node.await(s -> s == ComputeStatus.RUNNING || w.stopped(), null)
          != ComputeStatus.RUNNING) {
        return;
      }
      do {
        checkOnce();
      } while (w.sleep(PERIOD));
    } finally {
      disconnect();
    }
  }

  /** One iteration; every failure is logged and retried on the next tick. */
  void checkOnce() {
    try {
      if (conn == null || conn.isClosed()) {
        conn = connector.connect(connector.systemDatabase(), APPLICATION_NAME);
      }
      detect(conn).ifPresent(node::updateLastActive);
    } catch (SQLException e) {
      Log.debug("compute monitor: " + e.getMessage());
      disconnect();
    }
  }

  private Optional<Instant> detect(Connection c) throws SQLException {
    Instant now = node.clock().instant();
    var spec = node.spec();
    if (spec != null && spec.spec().hasFeature(Feature.ACTIVITY_MONITOR_EXPERIMENTAL)) {
      double[] stats = databaseStats(c);
      boolean moved = ActivityRules.statsMoved(previousStats, stats);
      previousStats = stats;
      if (moved) {
        return Optional.of(now);
      }
    }
    try {
      Optional<Instant> fromBackends = ActivityRules.fromBackends(backends(c), now);
      if (fromBackends.isPresent() && fromBackends.get().equals(now)) {
        return fromBackends;
      }
      fromBackends.ifPresent(node::updateLastActive);
    } catch (SQLException e) {
      Log.warn("compute monitor: could not read client backends: " + e.getMessage());
      if (c.isClosed()) {
        throw e;
      }
    }
    for (String q :
        List.of(
            ActivityQueries.REPLICATION,
            ActivityQueries.SUBSCRIPTIONS,
            ActivityQueries.AUTOVACUUM)) {
      try {
        if (count(c, q) > 0) {
          return Optional.of(now);
        }
      } catch (SQLException e) {
        Log.warn("compute monitor: " + e.getMessage());
        if (c.isClosed()) {
          throw e;
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static double[] databaseStats(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ActivityQueries.DATABASE_STATS)) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getLong(2)};
    }
  }

  private static List<ActivityRules.Backend> backends(Connection c) throws SQLException {
    List<ActivityRules.Backend> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ActivityQueries.BACKENDS)) {
      while (rs.next()) {
        String state = rs.getString(1);
        if (state != null) {
          String changed = rs.getString(2);
          out.add(
              new ActivityRules.Backend(state, changed == null ? null : Instant.parse(changed)));
        }
      }
    }
    return out;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void disconnect() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        Log.debug("compute monitor: closing connection: " + e.getMessage());
      }
      conn = null;
    }
  }

  @Override
  public void close() {
    worker.stop();
  }
}
