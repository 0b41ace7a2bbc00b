package computectl.http;

import com.eclipsesource.json.JsonObject;
import computectl.compute.ComputeNode;
import computectl.postgres.PgConnector;
import computectl.postgres.SqlQuote;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code POST /extensions}: installs an extension at a version in one database, or moves it to that
 * version; 201 with {@code {"extension","version"}}.
 */
final class ExtensionsHandler implements RouteHandler {
  private final ComputeNode node;
  private final PgConnector db;

  ExtensionsHandler(ComputeNode node, PgConnector db) {
    this.node = node;
    this.db = db;
  }

  @Override
  public void handle(ApiRequest request) {
    JsonObject body = ApiJson.object(ApiJson.parse(request.jsonBody()), "");
    String extension = ApiJson.string(body, "extension", "");
    String database = ApiJson.string(body, "database", "");
    String version = ApiJson.string(body, "version", "");
    ApiError.requireRunning(node);
    try (Connection c = db.connect(database, "compute_ctl:install_extension")) {
      install(c, extension, version);
    } catch (SQLException e) {
      throw new ApiError(500, "failed to install extension: " + SqlErrors.text(e), e);
    }
    request.respondJson(
        201, new JsonObject().add("extension", extension).add("version", version).toString());
  }

  private static void install(Connection c, String extension, String version) throws SQLException {
    String installed = null;
    boolean present = false;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT extversion FROM pg_extension WHERE extname = ?")) {
      ps.setString(1, extension);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          present = true;
          installed = rs.getString(1);
        }
      }
    }
    if (present && version.equals(installed)) {
      return;
    }
    String sql =
        present
            ? "ALTER EXTENSION "
                + SqlQuote.ident(extension)
                + " UPDATE TO "
                + SqlQuote.ident(version)
            : "CREATE EXTENSION IF NOT EXISTS "
                + SqlQuote.ident(extension)
                + " WITH VERSION "
                + SqlQuote.ident(version);
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
