package computectl.http;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.postgres.PgConnector;
import computectl.spec.Database;
import computectl.spec.Role;
import computectl.spec.SpecJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code GET /dbs_and_roles}: every role (password hashes included, as upstream) and database in
 * the catalog, as CatalogObjects.
 */
final class DbsAndRolesHandler implements RouteHandler {
  static final String ROLES = "SELECT rolname, rolpassword FROM pg_catalog.pg_authid";
  static final String DATABASES =
      "SELECT datname, (SELECT rolname FROM pg_catalog.pg_roles WHERE oid = datdba),"
          + " NOT datallowconn, datconnlimit = -2 FROM pg_catalog.pg_database";

  private final PgConnector db;

  DbsAndRolesHandler(PgConnector db) {
    this.db = db;
  }

  @Override
  public void handle(ApiRequest request) {
    JsonArray roles = new JsonArray();
    JsonArray databases = new JsonArray();
    try (Connection c = db.connect(db.systemDatabase(), "compute_ctl:get_dbs_and_roles");
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery(ROLES)) {
        while (rs.next()) {
          roles.add(SpecJson.role(new Role(rs.getString(1), rs.getString(2), null)));
        }
      }
      try (ResultSet rs = st.executeQuery(DATABASES)) {
        while (rs.next()) {
          databases.add(
              SpecJson.database(
                  new Database(
                      rs.getString(1), rs.getString(2), null, rs.getBoolean(3), rs.getBoolean(4))));
        }
      }
    } catch (SQLException e) {
      throw new ApiError(500, SqlErrors.text(e), e);
    }
    request.respondJson(
        200, new JsonObject().add("roles", roles).add("databases", databases).toString());
  }
}
