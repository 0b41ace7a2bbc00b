package computectl.vmmonitor;

import computectl.util.Log;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Resizes Neon's local file cache through one long-lived Postgres connection (per agent connection)
 * made from the libpq string. Every call takes a deadline (System.nanoTime) and gives up when it
 * passes, so a slow Postgres cannot make the agent's 5 s reply timeout expire. As upstream, only
 * the size queries retry (once, on a fresh connection); ALTER SYSTEM and the reload use whatever
 * connection is current.
 */
final class FileCache implements AutoCloseable {
  /** Time a whole file cache operation may take (the agent waits 5 s for a reply). */
  static final long SQL_BUDGET_NANOS = 3_000_000_000L;

  static final String CURRENT_LIMIT_SQL =
      "SELECT pg_size_bytes(current_setting('neon.file_cache_size_limit'));";
  static final String MAX_SIZE_SQL =
      "SELECT pg_size_bytes(current_setting('neon.max_file_cache_size'));";

  private final LibpqConnstr target;
  private final Object lock = new Object();
  private Connection connection;
  private boolean closed;

  FileCache(LibpqConnstr target) {
    this.target = target;
  }

  /** The configured limit in bytes (as {@code pg_size_bytes} reads the setting). */
  long currentLimitBytes(long deadlineNanos) {
    return queryBytes(CURRENT_LIMIT_SQL, "read neon.file_cache_size_limit", deadlineNanos);
  }

  /**
   * Sets the cache to {@code bytes}, capped by {@code neon.max_file_cache_size}, in whole MiB;
   * returns the size actually set in bytes.
   */
  long setSizeBytes(long bytes, long deadlineNanos) {
    long cap = queryBytes(MAX_SIZE_SQL, "read neon.max_file_cache_size", deadlineNanos);
    long mib = Math.min(bytes, cap) / ScalingRules.MIB;
    execute("ALTER SYSTEM SET neon.file_cache_size_limit = " + mib + ";", deadlineNanos);
    execute("SELECT pg_reload_conf();", deadlineNanos);
    return mib * ScalingRules.MIB;
  }

  private long queryBytes(String sql, String what, long deadlineNanos) {
    try {
      return queryLong(sql, deadlineNanos);
    } catch (SQLException | VmMonitorException first) {
      Log.warn(
          "vm-monitor: could not "
              + what
              + " ("
              + first.getMessage()
              + "); retrying on a new connection");
      dropConnection();
      try {
        return queryLong(sql, deadlineNanos);
      } catch (SQLException e) {
        throw new VmMonitorException(
            "could not " + what + " from Postgres (" + target + "): " + e.getMessage(), e);
      }
    }
  }

  private long queryLong(String sql, long deadlineNanos) throws SQLException {
    try (Statement st = connection(deadlineNanos).createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row returned by: " + sql);
      }
      return rs.getLong(1);
    }
  }

  private void execute(String sql, long deadlineNanos) {
    try (Statement st = connection(deadlineNanos).createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new VmMonitorException(
          "could not run \"" + sql + "\" on Postgres (" + target + "): " + e.getMessage(), e);
    }
  }

  /** The current connection with its socket timeout set to what is left of the deadline. */
  private Connection connection(long deadlineNanos) throws SQLException {
    long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (leftMillis <= 0) {
      throw new VmMonitorException(
          "timed out talking to Postgres (" + target + ") for the file cache");
    }
    Connection c;
    synchronized (lock) {
      if (closed) {
        throw new VmMonitorException("file cache connection is closed");
      }
      c = connection;
    }
    if (c == null) {
      c = open(leftMillis);
      synchronized (lock) {
        if (closed) {
          c.close();
          throw new VmMonitorException("file cache connection is closed");
        }
        connection = c;
      }
    }
    c.setNetworkTimeout(
        Runnable::run, (int) Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
    return c;
  }

  private Connection open(long leftMillis) throws SQLException {
    Properties props = target.jdbcProperties();
    // The driver takes whole seconds for connecting; round down but never to 0 (= no limit).
    String seconds = Long.toString(Math.max(1, leftMillis / 1000));
    props.setProperty("connectTimeout", seconds);
    props.setProperty("loginTimeout", seconds);
    props.setProperty("socketTimeout", seconds);
    Connection c = new org.postgresql.Driver().connect(target.jdbcUrl(), props);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver did not accept " + target.jdbcUrl());
    }
    c.setAutoCommit(true);
    return c;
  }

  private void dropConnection() {
    Connection c;
    synchronized (lock) {
      c = connection;
      connection = null;
    }
    closeQuietly(c);
  }

  /** Closes the connection; safe from another thread while a statement runs (it then fails). */
  @Override
  public void close() {
    Connection c;
    synchronized (lock) {
      closed = true;
      c = connection;
      connection = null;
    }
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        closeQuietly(c);
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      Log.debug("vm-monitor: closing the file cache connection: " + e.getMessage());
    }
  }
}
