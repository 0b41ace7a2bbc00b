package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.metrics.ExportedMetrics;
import computectl.standin.LocalCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
@Tag("e2e")
class InsightsHandler_Test {
  static LocalCluster pg;
  static ComputeNode running = new ComputeNode();
  static HttpServers withStats;
  static HttpServers withoutStats;

  static HttpServers serve(ComputeNode node, String defaultDb) {
    return HttpServers.start(
        ApiContext.builder(node, new ExportedMetrics(), "c")
            .db(SharedCluster.connector(pg, defaultDb))
            .terminator(() -> {})
            .build(),
        0,
        0);
  }

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException, SQLException {
    pg = cluster;
    pg.psql("postgres", "CREATE ROLE insights_user LOGIN");
    pg.psql("postgres", "CREATE DATABASE insights_none");
    String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=insights_user";
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("SELECT count(*) FROM pg_class AS insights_probe");
    }
    running.setStatus(ComputeStatus.INIT);
    running.setStatus(ComputeStatus.RUNNING);
    withStats = serve(running, "postgres");
    withoutStats = serve(running, "insights_none");
  }

  @AfterAll
  static void stop() {
    withStats.close();
    withoutStats.close();
  }

  @Test
  void insights_isPgStatStatementsAsAJsonString() {
    HttpResponse<String> r = ApiClient.local(withStats.externalPort()).get("/insights");
    assertEquals(200, r.statusCode(), r.body());
    JsonValue outer = Json.parse(r.body());
    assertTrue(outer.isString(), "double-encoded like upstream: " + r.body());
    assertTrue(outer.asString().startsWith("{\"pg_stat_statements\": ["), outer.asString());
    JsonArray rows = Json.parse(outer.asString()).asObject().get("pg_stat_statements").asArray();
    assertTrue(
        rows.values().stream()
            .anyMatch(v -> v.asObject().getString("query", "").contains("insights_probe")),
        outer.asString());
  }

  @Test
  void insights_failedQueryGivesUpstreamsDoubledBraces() {
    HttpResponse<String> r = ApiClient.local(withoutStats.externalPort()).get("/insights");
    assertEquals(200, r.statusCode());
    assertEquals("\"{{\\\"pg_stat_statements\\\": []}}\"", r.body());
  }

  @Test
  void insights_notRunningIs412() {
    try (HttpServers s = serve(new ComputeNode(), "postgres")) {
      HttpResponse<String> r = ApiClient.local(s.externalPort()).get("/insights");
      assertEquals(412, r.statusCode());
      assertEquals("{\"error\":\"invalid compute status: empty\"}", r.body());
    }
  }

  @Test
  void insights_unreachableDatabaseIs500() {
    try (HttpServers s = serve(running, "no_such_database")) {
      HttpResponse<String> r = ApiClient.local(s.externalPort()).get("/insights");
      assertEquals(500, r.statusCode());
      assertTrue(r.body().contains("no_such_database"), r.body());
    }
  }
}
