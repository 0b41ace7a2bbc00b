package computectl.warmup;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;

/**
 * The spec the warm-up parses: shaped like a control plane's (roles, databases, settings, storage
 * coordinates), pointing at the in-process peer. Its ids are made up.
 */
final class WarmupSpec {
  private WarmupSpec() {}

  static String json(int peerPort, String token) {
    JsonArray roles = new JsonArray();
    JsonArray databases = new JsonArray();
    for (int i = 0; i < 4; i++) {
      roles.add(
          new JsonObject()
              .add("name", "warmup_role_" + i)
              .add("encrypted_password", "md5" + "0".repeat(32)));
      databases.add(
          new JsonObject().add("name", "warmup_db_" + i).add("owner", "warmup_role_" + i));
    }
    JsonArray settings = new JsonArray();
    String[][] values = {
      {"max_connections", "100", "integer"},
      {"shared_buffers", "128MB", "string"},
      {"listen_addresses", "127.0.0.1", "string"},
      {"fsync", "off", "bool"},
      {"neon.timeline_id", "00000000000000000000000000000002", "string"}
    };
    for (String[] v : values) {
      settings.add(new JsonObject().add("name", v[0]).add("value", v[1]).add("vartype", v[2]));
    }
    JsonObject cluster =
        new JsonObject()
            .add("cluster_id", "warmup")
            .add("roles", roles)
            .add("databases", databases)
            .add("settings", settings);
    return new JsonObject()
        .add("format_version", 1.0)
        .add("operation_uuid", "warmup")
        .add("tenant_id", "00000000000000000000000000000001")
        .add("timeline_id", "00000000000000000000000000000002")
        .add("pageserver_connstring", "host=127.0.0.1 port=" + peerPort + " sslmode=disable")
        .add("safekeeper_connstrings", new JsonArray().add("127.0.0.1:" + peerPort))
        .add("storage_auth_token", token)
        .add("cluster", cluster)
        .toString();
  }
}
