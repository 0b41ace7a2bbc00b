package computectl.http;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.compute.ComputeNode;
import computectl.postgres.PgConnector;
import computectl.postgres.SqlQuote;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/** {@code POST /grants}: grants schema privileges to a role; 201 echoing the request. */
final class GrantsHandler implements RouteHandler {
  static final Set<String> PRIVILEGES =
      Set.of(
          "SELECT",
          "INSERT",
          "UPDATE",
          "DELETE",
          "TRUNCATE",
          "REFERENCES",
          "TRIGGER",
          "USAGE",
          "CREATE",
          "CONNECT",
          "TEMPORARY",
          "EXECUTE");

  private final ComputeNode node;
  private final PgConnector db;

  GrantsHandler(ComputeNode node, PgConnector db) {
    this.node = node;
    this.db = db;
  }

  @Override
  public void handle(ApiRequest request) {
    JsonObject body = ApiJson.object(ApiJson.parse(request.jsonBody()), "");
    String database = ApiJson.string(body, "database", "");
    String schema = ApiJson.string(body, "schema", "");
    List<String> privileges = ApiJson.strings(body, "privileges", "");
    for (int i = 0; i < privileges.size(); i++) {
      if (!PRIVILEGES.contains(privileges.get(i))) {
        throw ApiJson.shape(
            "privileges[" + i + "]", "unknown variant \"" + privileges.get(i) + "\"");
      }
    }
    String role = ApiJson.string(body, "role", "");
    ApiError.requireRunning(node);
    String sql =
        "GRANT "
            + String.join(", ", privileges)
            + " ON SCHEMA "
            + SqlQuote.ident(schema)
            + " TO "
            + SqlQuote.ident(role);
    try (Connection c = db.connect(database, "compute_ctl:set_role_grants");
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new ApiError(
          500, "failed to grant role privileges to the schema: " + SqlErrors.text(e), e);
    }
    JsonArray echoed = new JsonArray();
    privileges.forEach(echoed::add);
    request.respondJson(
        201,
        new JsonObject()
            .add("database", database)
            .add("schema", schema)
            .add("privileges", echoed)
            .add("role", role)
            .toString());
  }
}
