package computectl.http;

import computectl.compute.ComputeNode;
import computectl.postgres.PgConnector;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code POST /check_writability}: one upsert into {@code health_check} proves the compute takes
 * writes.
 */
final class CheckWritabilityHandler implements RouteHandler {
  static final String UPSERT =
      "INSERT INTO health_check VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET updated_at ="
          + " now();";
  private static final String DISK_FULL = "53100";

  private final ComputeNode node;
  private final PgConnector db;

  CheckWritabilityHandler(ComputeNode node, PgConnector db) {
    this.node = node;
    this.db = db;
  }

  @Override
  public void handle(ApiRequest request) {
    ApiError.requireRunning(node);
    try (Connection c = db.connect(db.systemDatabase(), "compute_ctl:availability_checker");
        Statement st = c.createStatement()) {
      int results = countResults(st, st.execute(UPSERT));
      if (results != 1) {
        throw new ApiError(500, "expected 1 query results, but got " + results);
      }
    } catch (SQLException e) {
      if (!DISK_FULL.equals(e.getSQLState())) {
        throw new ApiError(500, SqlErrors.text(e), e);
      }
      Log.warn("Tenant disk is full");
    }
    request.respondJson(200, "true");
  }

  private static int countResults(Statement st, boolean firstIsResultSet) throws SQLException {
    int n = 0;
    boolean isResultSet = firstIsResultSet;
    while (isResultSet || st.getUpdateCount() != -1) {
      n++;
      isResultSet = st.getMoreResults();
    }
    return n;
  }
}
