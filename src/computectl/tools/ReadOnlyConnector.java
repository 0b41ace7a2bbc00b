package computectl.tools;

import computectl.postgres.PgConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connections for {@code plan}: every session is read-only, so even a bug that ran a planned
 * statement could not change the catalog, and there is no legacy {@code zenith_admin} fallback
 * (that fallback creates a role).
 */
final class ReadOnlyConnector implements PgConnector {
  private final PgConnector delegate;

  ReadOnlyConnector(PgConnector delegate) {
    this.delegate = delegate;
  }

  @Override
  public Connection connect(String dbname, String applicationName) throws SQLException {
    Connection c = delegate.connect(dbname, applicationName);
    try (Statement st = c.createStatement()) {
      st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public String systemDatabase() {
    return delegate.systemDatabase();
  }
}
