package computectl.reconcile;

import computectl.postgres.JdbcConnector;
import computectl.spec.ComputeSpec;
import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A real cluster for one test class, with query helpers that work with any database name. */
final class TestDb implements AutoCloseable {
  final LocalCluster cluster;
  final JdbcConnector connector;

  private TestDb(LocalCluster cluster) {
    this.cluster = cluster;
    this.connector = JdbcConnector.fromConnstr(cluster.url("postgres"));
  }

  static TestDb start() {
    return new TestDb(TestPg.newCluster());
  }

  Plan apply(ComputeSpec spec) {
    return Reconciler.apply(
        connector, spec, ApplyContext.of(ApplyMode.STARTUP, spec, spec.timelineId()));
  }

  /** The first column of every row. */
  List<String> column(String db, String sql, String... params) {
    try (Connection c = connector.connect(db, "test");
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setString(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single value of a one-row query, or null when there is no row. */
  String one(String db, String sql, String... params) {
    List<String> rows = column(db, sql, params);
    return rows.isEmpty() ? null : rows.get(0);
  }

  void exec(String db, String... sqls) {
    try (Connection c = connector.connect(db, "test");
        Statement st = c.createStatement()) {
      for (String sql : sqls) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Logs in over TCP as {@code user} with a password, returning {@code current_user}. */
  String loginAs(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres", p);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Puts {@code lines} first in pg_hba.conf and reloads. */
  void prependHba(String lines) throws IOException {
    Path hba = cluster.dataDir().resolve("pg_hba.conf");
    // Rewriting in place keeps the file's owner (Postgres' user).
    Files.writeString(hba, lines + Files.readString(hba));
    exec("postgres", "SELECT pg_reload_conf()");
  }

  @Override
  public void close() throws IOException {
    cluster.close();
  }
}
