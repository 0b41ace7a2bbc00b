package computectl.compute;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds spec JSON for end-to-end tests: storage pointing at the stand-ins, Postgres on the node's
 * port.
 */
final class TestSpec {
  private final JsonObject spec = new JsonObject();
  private final JsonArray roles = new JsonArray();
  private final JsonArray databases = new JsonArray();
  private final JsonArray settings = new JsonArray();

  TestSpec(ComputeFixture fx, ComputeFixture.Node node) {
    spec.add("format_version", 1.0)
        .add("operation_uuid", "op-e2e")
        .add("tenant_id", ComputeFixture.TENANT)
        .add("timeline_id", ComputeFixture.TIMELINE)
        .add("pageserver_connstring", "host=127.0.0.1 port=" + fx.pageserver.port())
        .add("safekeeper_connstrings", new JsonArray().add("127.0.0.1:" + TestPg.freePort()))
        .add("storage_auth_token", ComputeFixture.TOKEN);
    setting("port", Integer.toString(node.pgPort()), "integer");
    setting("listen_addresses", "127.0.0.1", "string");
    setting("unix_socket_directories", "/tmp", "string");
    setting("fsync", "off", "bool");
    setting("max_connections", "100", "integer");
  }

  TestSpec setting(String name, String value, String vartype) {
    settings.add(new JsonObject().add("name", name).add("value", value).add("vartype", vartype));
    return this;
  }

  TestSpec role(String name, String encryptedPassword) {
    roles.add(
        new JsonObject()
            .add("name", name)
            .add(
                "encrypted_password",
                encryptedPassword == null ? Json.NULL : Json.value(encryptedPassword)));
    return this;
  }

  TestSpec database(String name, String owner) {
    databases.add(new JsonObject().add("name", name).add("owner", owner));
    return this;
  }

  TestSpec mode(String primaryOrReplica) {
    spec.set("mode", primaryOrReplica);
    return this;
  }

  TestSpec staticAt(String lsn) {
    spec.set("mode", new JsonObject().add("Static", lsn));
    return this;
  }

  TestSpec top(String key, String value) {
    spec.set(key, value);
    return this;
  }

  String json() {
    JsonObject cluster =
        new JsonObject()
            .add("cluster_id", "e2e-cluster")
            .add("roles", roles)
            .add("databases", databases)
            .add("settings", settings);
    return new JsonObject().merge(spec).add("cluster", cluster).toString();
  }

  Path write() {
    try {
      Path file = TestPg.workDir("computectl-spec-").resolve("spec.json");
      Files.writeString(file, json());
      computectl.util.RunAs.chownTree(TestPg.user(), file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
