package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.standin.LocalCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
@Tag("e2e")
class DbsAndRolesHandler_Test {
  static LocalCluster pg;
  static HttpServers servers;

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException {
    pg = cluster;
    pg.psql("postgres", "CREATE ROLE \"Catalog \"\"Owner\"\"\" LOGIN PASSWORD 'secret-pw'");
    pg.psql("postgres", "CREATE DATABASE catalog_db OWNER \"Catalog \"\"Owner\"\"\"");
    pg.psql("postgres", "CREATE DATABASE catalog_closed ALLOW_CONNECTIONS false");
    servers =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
                .db(SharedCluster.connector(pg, "postgres"))
                .terminator(() -> {})
                .build(),
            0,
            0);
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  static JsonObject named(JsonValue list, String name) {
    return list.asArray().values().stream()
        .map(JsonValue::asObject)
        .filter(o -> o.getString("name", "").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " in " + list));
  }

  @Test
  void dbsAndRoles_listsTheCatalogInUpstreamFieldOrder() {
    HttpResponse<String> r = ApiClient.local(servers.externalPort()).get("/dbs_and_roles");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = Json.parse(r.body()).asObject();
    assertEquals(List.of("roles", "databases"), body.names());
    JsonObject owner = named(body.get("roles"), "Catalog \"Owner\"");
    assertEquals(List.of("name", "encrypted_password", "options"), owner.names());
    assertTrue(
        owner.getString("encrypted_password", "").startsWith("SCRAM-SHA-256$"),
        "hashes are exposed, as upstream");
    assertTrue(owner.get("options").isNull());
    assertTrue(
        named(body.get("roles"), "pg_monitor").get("encrypted_password").isNull(),
        "pg_* roles are listed too");
    JsonObject db = named(body.get("databases"), "catalog_db");
    assertEquals(
        "{\"name\":\"catalog_db\",\"owner\":\"Catalog"
            + " \\\"Owner\\\"\",\"options\":null,\"restrict_conn\":false,\"invalid\":false}",
        db.toString());
    assertEquals(
        true, named(body.get("databases"), "catalog_closed").getBoolean("restrict_conn", false));
  }

  @Test
  void dbsAndRoles_unreachableDatabaseIs500() {
    try (HttpServers s =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
                .db(SharedCluster.connector(pg, "no_such_db"))
                .terminator(() -> {})
                .build(),
            0,
            0)) {
      HttpResponse<String> r = ApiClient.local(s.externalPort()).get("/dbs_and_roles");
      assertEquals(500, r.statusCode());
      assertTrue(
          r.body()
              .startsWith(
                  "{\"error\":\"db error: FATAL: database \\\"no_such_db\\\" does not exist"),
          r.body());
    }
  }
}
