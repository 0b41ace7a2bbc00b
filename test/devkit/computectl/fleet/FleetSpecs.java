package computectl.fleet;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.standin.Ports;

/**
 * Compute specs for the demo: each compute has its own tenant and timeline on the pageserver named
 * here, its Postgres on its own loopback port, one application role and database.
 */
final class FleetSpecs {
  private FleetSpecs() {}

  static JsonObject spec(
      String computeId, int index, ComputePorts ports, int pageserverPort, String storageToken) {
    JsonArray settings =
        new JsonArray()
            .add(setting("port", Integer.toString(ports.postgres()), "integer"))
            .add(setting("listen_addresses", "127.0.0.1", "string"))
            .add(setting("unix_socket_directories", "/tmp", "string"))
            .add(setting("fsync", "off", "bool"))
            .add(setting("max_connections", "20", "integer"))
            .add(setting("shared_buffers", "16MB", "string"));
    JsonObject cluster =
        new JsonObject()
            .add("cluster_id", "fleet-" + computeId)
            .add("name", computeId)
            .add(
                "roles",
                new JsonArray()
                    .add(new JsonObject().add("name", "app").add("encrypted_password", Json.NULL)))
            .add(
                "databases",
                new JsonArray().add(new JsonObject().add("name", "appdb").add("owner", "app")))
            .add("settings", settings);
    return new JsonObject()
        .add("format_version", 1.0)
        .add("operation_uuid", "fleet-op-" + index)
        .add("tenant_id", hexId(0xfeed0000L + index))
        .add("timeline_id", hexId(0x7ee10000L + index))
        .add("pageserver_connstring", "host=127.0.0.1 port=" + pageserverPort)
        .add("safekeeper_connstrings", new JsonArray().add("127.0.0.1:" + Ports.reserve()))
        .add("storage_auth_token", storageToken)
        .add("cluster", cluster);
  }

  /** The {@code /configure} body for a pooled compute (authorization stays off). */
  static String configureBody(JsonObject spec) {
    return new JsonObject()
        .add("spec", spec)
        .add(
            "compute_ctl_config",
            new JsonObject().add("jwks", new JsonObject().add("keys", new JsonArray())))
        .toString();
  }

  private static JsonObject setting(String name, String value, String vartype) {
    return new JsonObject().add("name", name).add("value", value).add("vartype", vartype);
  }

  /** A 32-hex-digit id, as Neon's tenant and timeline ids are. */
  private static String hexId(long n) {
    return String.format("%016x%016x", 0x0f1ee7L, n);
  }
}
