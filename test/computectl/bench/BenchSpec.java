package computectl.bench;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.testsupport.Passwords;
import java.nio.charset.StandardCharsets;

/**
 * Spec JSON for the bench: storage at the stand-ins, Postgres on the node's port, N roles and
 * databases.
 */
final class BenchSpec {
  private final JsonObject top = new JsonObject();
  private final JsonArray roles = new JsonArray();
  private final JsonArray databases = new JsonArray();
  private final JsonArray settings = new JsonArray();

  BenchSpec(BenchEnv env, BenchNode node) {
    top.add("format_version", 1.0)
        .add("operation_uuid", "op-bench")
        .add("tenant_id", BenchEnv.TENANT)
        .add("timeline_id", BenchEnv.TIMELINE)
        .add("pageserver_connstring", "host=127.0.0.1 port=" + env.pageserverPort())
        .add("safekeeper_connstrings", new JsonArray().add("127.0.0.1:" + env.safekeeperPort()))
        .add("storage_auth_token", BenchEnv.TOKEN);
    setting("port", Integer.toString(node.pgPort()), "integer");
    setting("listen_addresses", "127.0.0.1", "string");
    setting("unix_socket_directories", "/tmp", "string");
    setting("fsync", "off", "bool");
    setting("max_connections", "100", "integer");
  }

  BenchSpec pageserverPort(int port) {
    top.set("pageserver_connstring", "host=127.0.0.1 port=" + port);
    return this;
  }

  BenchSpec setting(String name, String value, String vartype) {
    settings.add(new JsonObject().add("name", name).add("value", value).add("vartype", vartype));
    return this;
  }

  /**
   * A SCRAM verifier, as Neon's control plane sends: compute_ctl compares it with the catalog as
   * is, so a re-apply leaves the role alone (md5 values are re-applied every time, as upstream
   * does). A verifier does not depend on the role name, so all roles share one.
   */
  private static final String VERIFIER =
      Passwords.scram("bench-password", "bench-salt-0001".getBytes(StandardCharsets.UTF_8));

  BenchSpec role(String name) {
    roles.add(new JsonObject().add("name", name).add("encrypted_password", VERIFIER));
    return this;
  }

  BenchSpec database(String name, String owner) {
    databases.add(new JsonObject().add("name", name).add("owner", owner));
    return this;
  }

  /** {@code roles} roles r0001.. and {@code dbs} databases d0001.. owned round-robin by them. */
  BenchSpec scale(int roleCount, int dbCount) {
    for (int i = 1; i <= roleCount; i++) {
      role(String.format("r%04d", i));
    }
    for (int i = 1; i <= dbCount; i++) {
      database(String.format("d%04d", i), String.format("r%04d", (i - 1) % roleCount + 1));
    }
    return this;
  }

  String json() {
    JsonObject cluster =
        new JsonObject()
            .add("cluster_id", "bench-cluster")
            .add("roles", roles)
            .add("databases", databases)
            .add("settings", settings);
    return new JsonObject().merge(top).add("cluster", cluster).toString();
  }

  /** The body of POST /configure. */
  String configureBody() {
    return "{\"spec\":" + json() + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
  }
}
