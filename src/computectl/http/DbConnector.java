package computectl.http;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a JDBC connection for one request, built from {@code --connstr}. */
@FunctionalInterface
public interface DbConnector {
  /**
   * Opens a connection to {@code dbname}.
   *
   * @param dbname the database, or null for the one named in {@code --connstr} (the system DB)
   * @param applicationName shown in {@code pg_stat_activity}, e.g. {@code
   *     compute_ctl:get_dbs_and_roles}
   */
  Connection connect(String dbname, String applicationName) throws SQLException;
}
