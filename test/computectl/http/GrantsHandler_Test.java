package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
class GrantsHandler_Test {
  static LocalCluster pg;
  static HttpServers servers;
  static ApiClient in;

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException {
    pg = cluster;
    pg.psql("postgres", "CREATE DATABASE grants_db");
    pg.psql("grants_db", "CREATE ROLE \"Grant Ee\"; CREATE SCHEMA \"Sales Data\"");
    servers = SharedCluster.runningComputeServers(pg);
    in = ApiClient.local(servers.internalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  @Test
  void grants_grantsSchemaPrivilegesAndEchoesTheRequest() throws IOException {
    HttpResponse<String> r =
        in.post(
            "/grants",
            "{\"database\":\"grants_db\",\"schema\":\"Sales Data\","
                + "\"privileges\":[\"USAGE\",\"CREATE\"],\"role\":\"Grant Ee\"}");
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(
        "{\"database\":\"grants_db\",\"schema\":\"Sales"
            + " Data\",\"privileges\":[\"USAGE\",\"CREATE\"],\"role\":\"Grant Ee\"}",
        r.body());
    assertEquals(
        "t|t",
        pg.psql(
                "grants_db",
                "SELECT has_schema_privilege('Grant Ee', 'Sales Data', 'USAGE'),"
                    + " has_schema_privilege('Grant Ee', 'Sales Data', 'CREATE')")
            .trim());
  }

  @Test
  void grants_unknownPrivilegeIs422() {
    HttpResponse<String> r =
        in.post(
            "/grants",
            "{\"database\":\"grants_db\",\"schema\":\"s\","
                + "\"privileges\":[\"USAGE\",\"ALL\"],\"role\":\"r\"}");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: privileges[1]: "
            + "unknown variant \\\"all\\\"\"}",
        r.body());
  }

  @Test
  void grants_missingRoleIs500() {
    HttpResponse<String> r =
        in.post(
            "/grants",
            "{\"database\":\"grants_db\",\"schema\":\"Sales Data\","
                + "\"privileges\":[\"USAGE\"],\"role\":\"nobody here\"}");
    assertEquals(500, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to grant role privileges to the schema: db error: ERROR: role"
            + " \\\"nobody here\\\" does not exist\"}",
        r.body());
  }

  @Test
  void grants_notRunningIs412() {
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
                  "/grants",
                  "{\"database\":\"grants_db\",\"schema\":\"s\",\"privileges\":[],\"role\":\"r\"}");
      assertEquals(412, r.statusCode());
      assertEquals("{\"error\":\"invalid compute status: empty\"}", r.body());
    }
  }
}
