package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
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
class ExtensionsHandler_Test {
  static LocalCluster pg;
  static HttpServers servers;
  static ApiClient in;

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException {
    pg = cluster;
    pg.psql("postgres", "CREATE DATABASE ext_db");
    servers = SharedCluster.runningComputeServers(pg);
    in = ApiClient.local(servers.internalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  static HttpResponse<String> install(String extension, String version) {
    return in.post(
        "/extensions",
        "{\"extension\":\""
            + extension
            + "\",\"database\":\"ext_db\",\"version\":\""
            + version
            + "\"}");
  }

  static String installedVersion(String extension) throws IOException {
    return pg.psql(
            "ext_db", "SELECT extversion FROM pg_extension WHERE extname = '" + extension + "'")
        .trim();
  }

  @Test
  void extensions_installsUpdatesAndKeepsAVersion() throws IOException {
    HttpResponse<String> r = install("pg_trgm", "1.5");
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("{\"extension\":\"pg_trgm\",\"version\":\"1.5\"}", r.body());
    assertEquals("1.5", installedVersion("pg_trgm"));
    assertEquals(201, install("pg_trgm", "1.6").statusCode());
    assertEquals("1.6", installedVersion("pg_trgm"));
    assertEquals(201, install("pg_trgm", "1.6").statusCode(), "same version: nothing to do");
    assertEquals("1.6", installedVersion("pg_trgm"));
  }

  @Test
  void extensions_unknownVersionIs500() {
    HttpResponse<String> r = install("hstore", "9.9");
    assertEquals(500, r.statusCode());
    assertTrue(
        r.body()
            .startsWith(
                "{\"error\":\"failed to install extension: db error: ERROR: extension"
                    + " \\\"hstore\\\" has no"),
        r.body());
  }

  @Test
  void extensions_missingFieldIs422() {
    HttpResponse<String> r =
        in.post("/extensions", "{\"extension\":\"hstore\",\"database\":\"ext_db\"}");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: missing field"
            + " \\\"version\\\"\"}",
        r.body());
  }

  @Test
  void extensions_notRunningIs412() {
    try (HttpServers s =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
                .db(SharedCluster.connector(pg, "postgres"))
                .terminator(() -> {})
                .build(),
            0,
            0)) {
      HttpResponse<String> r =
          ApiClient.local(s.internalPort())
              .post(
                  "/extensions",
                  "{\"extension\":\"hstore\",\"database\":\"ext_db\",\"version\":\"1.8\"}");
      assertEquals(412, r.statusCode());
      assertEquals("{\"error\":\"invalid compute status: empty\"}", r.body());
    }
  }
}
