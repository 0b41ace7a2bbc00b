package computectl.http;

import com.eclipsesource.json.Json;
import computectl.compute.ComputeNode;
import computectl.postgres.PgConnector;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /insights}: the 100 most expensive statements from pg_stat_statements. Upstream
 * answers with the JSON text as a JSON string (double-encoded) and, when the query fails, with a
 * literal text whose braces are doubled; clients parse exactly that, so we keep both. Where
 * upstream panics (no connection) we answer 500.
 */
final class InsightsHandler implements RouteHandler {
  static final String QUERY =
      "SELECT row_to_json(pg_stat_statements) FROM pg_stat_statements WHERE userid !="
          + " 'cloud_admin'::regrole::oid ORDER BY (mean_exec_time + mean_plan_time) DESC LIMIT"
          + " 100";
  static final String QUERY_FAILED = "{{\"pg_stat_statements\": []}}";

  private final ComputeNode node;
  private final PgConnector db;

  InsightsHandler(ComputeNode node, PgConnector db) {
    this.node = node;
    this.db = db;
  }

  @Override
  public void handle(ApiRequest request) {
    ApiError.requireRunning(node);
    Connection c;
    try {
      c = db.connect(db.systemDatabase(), "compute_ctl:collect_insights");
    } catch (SQLException e) {
      throw new ApiError(500, SqlErrors.text(e), e);
    }
    request.respondJson(200, Json.value(collect(c)).toString());
  }

  private static String collect(Connection c) {
    try (c;
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        String json = rs.getString(1);
        if (json != null) {
          rows.add(json);
        }
      }
      return "{\"pg_stat_statements\": [" + String.join(",", rows) + "]}";
    } catch (SQLException e) {
      return QUERY_FAILED;
    }
  }
}
