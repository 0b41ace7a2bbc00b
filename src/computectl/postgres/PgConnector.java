package computectl.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Opens JDBC connections to the compute's Postgres. The caller decides where Postgres is and who we
 * are (normally from {@code --connstr}); reconciliation only chooses the database and the {@code
 * application_name}, which Postgres shows in {@code pg_stat_activity}.
 */
public interface PgConnector {
  Connection connect(String dbname, String applicationName) throws SQLException;

  /** The database named in the connection string: where system-wide statements run. */
  default String systemDatabase() {
    return "postgres";
  }

  /**
   * The same server reached as another user, for the legacy {@code zenith_admin} fallback
   * (behaviour.md 6.1); empty when this connector cannot change users.
   */
  default Optional<PgConnector> asUser(String user) {
    return Optional.empty();
  }
}
