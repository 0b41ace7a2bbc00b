package computectl.reconcile;

import computectl.spec.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The roles and databases that exist before reconciliation (behaviour.md 6.2). Role passwords are
 * the raw {@code rolpassword} values ({@code md5...}, {@code SCRAM-SHA-256$...} or null).
 */
public record CatalogSnapshot(Map<String, String> rolePasswords, Map<String, Database> databases) {
  static final String DATABASES_QUERY =
      "SELECT datname, (SELECT rolname FROM pg_catalog.pg_roles WHERE oid = datdba) AS owner, NOT"
          + " datallowconn AS restrict_conn, datconnlimit = -2 AS invalid FROM"
          + " pg_catalog.pg_database";
  static final String ROLES_QUERY = "SELECT rolname, rolpassword FROM pg_catalog.pg_authid";

  public CatalogSnapshot {
    // Map.copyOf refuses null values (roles without password) and loses the order.
    rolePasswords = Collections.unmodifiableMap(new LinkedHashMap<>(rolePasswords));
    databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
  }

  public static CatalogSnapshot read(Connection c) throws SQLException {
    Map<String, Database> dbs = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(DATABASES_QUERY);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        dbs.put(
            name, new Database(name, rs.getString(2), null, rs.getBoolean(3), rs.getBoolean(4)));
      }
    }
    Map<String, String> roles = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(ROLES_QUERY);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        roles.put(rs.getString(1), rs.getString(2));
      }
    }
    return new CatalogSnapshot(roles, dbs);
  }
}
