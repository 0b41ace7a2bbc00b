package computectl.standin;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecParser;

/**
 * Builds compute spec JSON, the text the control plane sends and compute_ctl parses: the one way
 * tests, benches, the demo and the fleet demo make a spec. It writes only what it is told (apart
 * from {@code format_version} and the required {@code cluster.roles} and {@code
 * cluster.databases}), so a test's spec says every field it relies on; {@link #json()} is the text
 * and the product's own parser turns it into records where a test needs those.
 */
public final class SpecBuilder {
  /** The tenant most tests and the demo use: 32 hex digits, as Neon's ids are. */
  public static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";

  /** The timeline most tests and the demo use. */
  public static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";

  private final JsonObject top = new JsonObject();
  private final JsonObject clusterFields = new JsonObject();
  private final JsonArray roles = new JsonArray();
  private final JsonArray databases = new JsonArray();
  private String postgresqlConf;
  // null: no "settings" member at all, which the product tells apart from an empty list.
  private JsonArray settings;

  private SpecBuilder() {
    top.add("format_version", 1.0);
  }

  /** A spec with only {@code format_version} and a cluster without roles or databases. */
  public static SpecBuilder spec() {
    return new SpecBuilder();
  }

  /**
   * Storage at the stand-ins on loopback: the pageserver at {@code host=127.0.0.1
   * port=<pageserverPort>}, one safekeeper at {@code 127.0.0.1:<safekeeperPort>}, the given tenant,
   * timeline and storage token.
   */
  public static SpecBuilder atStandIns(
      String tenant, String timeline, int pageserverPort, int safekeeperPort, String token) {
    return spec()
        .tenant(tenant)
        .timeline(timeline)
        .pageserverPort(pageserverPort)
        .safekeepers("127.0.0.1:" + safekeeperPort)
        .storageToken(token);
  }

  /**
   * A valid primary whose storage nobody serves: the tenant and timeline above, the pageserver at
   * {@code postgresql://no_user@127.0.0.1:6400}, one safekeeper at {@code 127.0.0.1:5454}. For
   * tests that parse, validate or accept a spec without starting Postgres from it.
   */
  public static SpecBuilder validPrimary() {
    return spec()
        .tenant(TENANT)
        .timeline(TIMELINE)
        .pageserver("postgresql://no_user@127.0.0.1:6400")
        .safekeepers("127.0.0.1:5454");
  }

  /** Sets a top-level string member (replacing an earlier value, keeping its place). */
  public SpecBuilder set(String name, String value) {
    return set(name, value == null ? Json.NULL : Json.value(value));
  }

  /** Sets a top-level member to any JSON value (replacing an earlier value, keeping its place). */
  public SpecBuilder set(String name, JsonValue value) {
    top.set(name, value);
    return this;
  }

  public SpecBuilder operation(String uuid) {
    return set("operation_uuid", uuid);
  }

  public SpecBuilder tenant(String id) {
    return set("tenant_id", id);
  }

  public SpecBuilder timeline(String id) {
    return set("timeline_id", id);
  }

  public SpecBuilder pageserver(String connstring) {
    return set("pageserver_connstring", connstring);
  }

  /** The pageserver at {@code host=127.0.0.1 port=<port>}, as the stand-in listens. */
  public SpecBuilder pageserverPort(int port) {
    return pageserver("host=127.0.0.1 port=" + port);
  }

  public SpecBuilder safekeepers(String... connstrings) {
    return set("safekeeper_connstrings", strings(connstrings));
  }

  public SpecBuilder safekeepersGeneration(long generation) {
    return set("safekeepers_generation", Json.value(generation));
  }

  public SpecBuilder storageToken(String token) {
    return set("storage_auth_token", token);
  }

  /** {@code "Primary"} or {@code "Replica"}. */
  public SpecBuilder mode(String primaryOrReplica) {
    return set("mode", primaryOrReplica);
  }

  /** The mode as the spec spells it: its name, or {@code {"Static": "<LSN>"}}. */
  public SpecBuilder mode(ComputeMode mode) {
    return mode.kind() == ComputeMode.Kind.STATIC
        ? staticAt(mode.lsn().toString())
        : mode(mode.kind().json());
  }

  /** A static compute at {@code lsn} ({@code {"Static": "<LSN>"}}). */
  public SpecBuilder staticAt(String lsn) {
    return set("mode", new JsonObject().add("Static", lsn));
  }

  /** {@code features}, by their JSON names. */
  public SpecBuilder features(String... names) {
    return set("features", strings(names));
  }

  public SpecBuilder shardStripeSize(long pages) {
    return set("shard_stripe_size", Json.value(pages));
  }

  public SpecBuilder reconfigureConcurrency(long n) {
    return set("reconfigure_concurrency", Json.value(n));
  }

  public SpecBuilder dropSubscriptionsBeforeStart() {
    return set("drop_subscriptions_before_start", Json.TRUE);
  }

  /** {@code "Disabled"}, {@code "Log"} or {@code "Hipaa"}. */
  public SpecBuilder auditLogLevel(String level) {
    return set("audit_log_level", level);
  }

  /** Appends a {@code delta_operations} entry; {@code newName} may be null (then left out). */
  public SpecBuilder deltaOp(String action, String name, String newName) {
    JsonValue ops = top.get("delta_operations");
    if (ops == null) {
      ops = new JsonArray();
      top.add("delta_operations", ops);
    }
    JsonObject op = new JsonObject().add("action", action).add("name", name);
    if (newName != null) {
      op.add("new_name", newName);
    }
    ops.asArray().add(op);
    return this;
  }

  public SpecBuilder clusterId(String id) {
    clusterFields.set("cluster_id", id);
    return this;
  }

  public SpecBuilder clusterName(String name) {
    clusterFields.set("name", name);
    return this;
  }

  /** A role; {@code encryptedPassword} null is written as JSON null. */
  public SpecBuilder role(String name, String encryptedPassword) {
    roles.add(
        new JsonObject()
            .add("name", name)
            .add(
                "encrypted_password",
                encryptedPassword == null ? Json.NULL : Json.value(encryptedPassword)));
    return this;
  }

  public SpecBuilder database(String name, String owner) {
    databases.add(new JsonObject().add("name", name).add("owner", owner));
    return this;
  }

  public SpecBuilder postgresqlConf(String text) {
    postgresqlConf = text;
    return this;
  }

  /** Appends a {@code cluster.settings} entry; {@code value} null is written as JSON null. */
  public SpecBuilder setting(String name, String value, String vartype) {
    if (settings == null) {
      settings = new JsonArray();
    }
    settings.add(
        new JsonObject()
            .add("name", name)
            .add("value", value == null ? Json.NULL : Json.value(value))
            .add("vartype", vartype));
    return this;
  }

  /** {@code cluster.settings} present and empty. */
  public SpecBuilder emptySettings() {
    settings = new JsonArray();
    return this;
  }

  /** No {@code cluster.settings} member (the default until a setting is added). */
  public SpecBuilder noSettings() {
    settings = null;
    return this;
  }

  /**
   * Postgres on loopback at {@code pgPort} with its socket in /tmp: the {@code port}, {@code
   * listen_addresses} and {@code unix_socket_directories} settings.
   */
  public SpecBuilder postgresOnLoopback(int pgPort) {
    return setting("port", Integer.toString(pgPort), "integer")
        .setting("listen_addresses", "127.0.0.1", "string")
        .setting("unix_socket_directories", "/tmp", "string");
  }

  /**
   * {@link #postgresOnLoopback} plus {@code fsync} off and {@code max_connections} 100: the
   * throwaway cluster of tests, benches and the archive training.
   */
  public SpecBuilder throwawayPostgres(int pgPort) {
    return postgresOnLoopback(pgPort)
        .setting("fsync", "off", "bool")
        .setting("max_connections", "100", "integer");
  }

  /**
   * The spec as a new JSON object (a copy: changing it leaves the builder alone): the top-level
   * members in the order set, then the cluster.
   */
  public JsonObject jsonObject() {
    return Json.parse(json()).asObject();
  }

  /** The spec's JSON text: the top-level members in the order set, then the cluster. */
  public String json() {
    JsonObject cluster =
        new JsonObject().merge(clusterFields).add("roles", roles).add("databases", databases);
    if (postgresqlConf != null) {
      cluster.add("postgresql_conf", postgresqlConf);
    }
    if (settings != null) {
      cluster.add("settings", settings);
    }
    return new JsonObject().merge(top).add("cluster", cluster).toString();
  }

  /** The spec as the product's parser reads it. */
  public ComputeSpec parse() {
    return SpecParser.parseSpec(json());
  }

  /**
   * The parsed spec with its storage coordinates taken as written, without the validator's checks:
   * for storage tests, which may leave a primary without safekeepers.
   */
  public ParsedSpec parseAsGiven() {
    ComputeSpec spec = parse();
    return new ParsedSpec(
        spec,
        spec.pageserverConnstring(),
        spec.safekeeperConnstrings(),
        spec.tenantId(),
        spec.timelineId());
  }

  private static JsonArray strings(String... values) {
    JsonArray list = new JsonArray();
    for (String v : values) {
      list.add(v);
    }
    return list;
  }

  /** The body of {@code POST /configure} with this spec and authorization off (no keys). */
  public String configureBody() {
    return configureBody(json());
  }

  /** The body of {@code POST /configure} around a spec's JSON text, with authorization off. */
  public static String configureBody(String specJson) {
    return "{\"spec\":" + specJson + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
  }
}
