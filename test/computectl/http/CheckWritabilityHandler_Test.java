package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.metrics.ExportedMetrics;
import computectl.standin.LocalCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
@Tag("e2e")
class CheckWritabilityHandler_Test {
  static LocalCluster pg;
  static ComputeNode node;
  static HttpServers healthy;
  static HttpServers noTable;
  static HttpServers diskFull;

  static HttpServers serve(String defaultDb) {
    return HttpServers.start(
        ApiContext.builder(node, new ExportedMetrics(), "c")
            .db(SharedCluster.connector(pg, defaultDb))
            .terminator(() -> {})
            .build(),
        0,
        0);
  }

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException {
    pg = cluster;
    pg.psql("postgres", "CREATE DATABASE writability_none");
    pg.psql("postgres", "CREATE DATABASE writability_full");
    // The server's own answer to a full disk, raised for every write to the table.
    pg.psql(
        "writability_full",
        "CREATE TABLE health_check (id int PRIMARY KEY, updated_at timestamptz);CREATE FUNCTION"
            + " disk_full() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'could not"
            + " extend file' USING ERRCODE = '53100'; END$$;CREATE TRIGGER disk_is_full BEFORE"
            + " INSERT ON health_check FOR EACH ROW EXECUTE FUNCTION disk_full()");
    node = new ComputeNode();
    healthy = serve("postgres");
    noTable = serve("writability_none");
    diskFull = serve("writability_full");
  }

  @AfterAll
  static void stop() {
    healthy.close();
    noTable.close();
    diskFull.close();
  }

  static HttpResponse<String> check(HttpServers s) {
    return ApiClient.local(s.externalPort()).post("/check_writability", "");
  }

  @Test
  void checkWritability_writesTheHealthCheckRow() throws IOException {
    running();
    HttpResponse<String> r = check(healthy);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("true", r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(
        "1",
        pg.psql(
                "postgres",
                "SELECT count(*) FROM health_check WHERE id = 1 AND updated_at > now() - interval"
                    + " '1 minute'")
            .trim());
    assertEquals(200, check(healthy).statusCode(), "the second write updates the row");
  }

  @Test
  void checkWritability_missingTableIs500() {
    running();
    HttpResponse<String> r = check(noTable);
    assertEquals(500, r.statusCode());
    assertEquals(
        "{\"error\":\"db error: ERROR: relation \\\"health_check\\\" does not exist\"}", r.body());
  }

  @Test
  void checkWritability_fullDiskCountsAsWritable() {
    running();
    HttpResponse<String> r = check(diskFull);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("true", r.body());
  }

  @Test
  void checkWritability_notRunningIs412() {
    ComputeNode other = new ComputeNode();
    try (HttpServers s =
        HttpServers.start(
            ApiContext.builder(other, new ExportedMetrics(), "c")
                .db(SharedCluster.connector(pg, "postgres"))
                .terminator(() -> {})
                .build(),
            0,
            0)) {
      HttpResponse<String> r = check(s);
      assertEquals(412, r.statusCode());
      assertEquals("{\"error\":\"invalid compute status: empty\"}", r.body());
    }
  }

  static void running() {
    if (node.status() == ComputeStatus.EMPTY) {
      node.setStatus(ComputeStatus.INIT);
      node.setStatus(ComputeStatus.RUNNING);
    }
  }
}
