package computectl.http;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.metrics.ExportedMetrics;
import computectl.postgres.PgConnector;
import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives SQL-route test classes one real Postgres for the whole run (with pg_stat_statements
 * preloaded for {@code /insights}) as a {@link LocalCluster} parameter; JUnit stops it after the
 * last test class.
 */
final class SharedCluster implements ParameterResolver {
  /** Held in the root store, so JUnit closes it at the end of the run. */
  private static final class Holder implements AutoCloseable {
    final LocalCluster cluster;

    Holder(LocalCluster cluster) {
      this.cluster = cluster;
    }

    @Override
    public void close() throws IOException {
      cluster.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == LocalCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Holder.class, k -> new Holder(start()), Holder.class)
        .cluster;
  }

  private static LocalCluster start() {
    LocalCluster c = TestPg.newCluster();
    try {
      c.close();
      c.appendConf("shared_preload_libraries = 'pg_stat_statements'\n");
      c.startServer();
      c.psql("postgres", "CREATE EXTENSION pg_stat_statements");
      c.psql("postgres", "CREATE TABLE health_check (id int PRIMARY KEY, updated_at timestamptz)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return c;
  }

  /** Both API servers of a Running compute whose database is {@code cluster}. */
  static HttpServers runningComputeServers(LocalCluster cluster) {
    ComputeNode node = new ComputeNode();
    node.setStatus(ComputeStatus.INIT);
    node.setStatus(ComputeStatus.RUNNING);
    return HttpServers.start(
        ApiContext.builder(node, new ExportedMetrics(), "c")
            .db(connector(cluster, "postgres"))
            .terminator(() -> {})
            .build(),
        0,
        0);
  }

  /** A connector for {@code cluster} whose system database is {@code defaultDb}. */
  static PgConnector connector(LocalCluster cluster, String defaultDb) {
    return new PgConnector() {
      @Override
      public Connection connect(String dbname, String app) throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", app);
        return DriverManager.getConnection(cluster.jdbcUrl(dbname), p);
      }

      @Override
      public String systemDatabase() {
        return defaultDb;
      }
    };
  }
}
