package computectl.spec;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes spec records as upstream serialises them: members in struct order, absent options as
 * {@code null} (except inside {@code local_proxy_config}, where upstream omits them), and the
 * derived database flags {@code restrict_conn} and {@code invalid} always present.
 */
public final class SpecJson {
  private SpecJson() {}

  public static String toJson(ComputeSpec spec) {
    return computeSpec(spec).toString();
  }

  public static JsonObject computeSpec(ComputeSpec s) {
    return new JsonObject()
        .add("format_version", f32(s.formatVersion()))
        .add("operation_uuid", string(s.operationUuid()))
        .add("features", array(s.features(), f -> Json.value(f.json())))
        .add("swap_size_bytes", number(s.swapSizeBytes()))
        .add("disk_quota_bytes", number(s.diskQuotaBytes()))
        .add(
            "disable_lfc_resizing",
            s.disableLfcResizing() == null ? Json.NULL : Json.value(s.disableLfcResizing()))
        .add("cluster", cluster(s.cluster()))
        .add("delta_operations", array(s.deltaOperations(), SpecJson::deltaOp))
        .add("skip_pg_catalog_updates", s.skipPgCatalogUpdates())
        .add("tenant_id", string(s.tenantId()))
        .add("timeline_id", string(s.timelineId()))
        .add("pageserver_connstring", string(s.pageserverConnstring()))
        .add("safekeepers_generation", number(s.safekeepersGeneration()))
        .add("safekeeper_connstrings", strings(s.safekeeperConnstrings()))
        .add("mode", mode(s.mode()))
        .add("storage_auth_token", string(s.storageAuthToken()))
        .add(
            "remote_extensions",
            s.remoteExtensions() == null ? Json.NULL : remoteExtensions(s.remoteExtensions()))
        .add("pgbouncer_settings", map(s.pgbouncerSettings(), Json::value))
        .add("shard_stripe_size", number(s.shardStripeSize()))
        .add(
            "local_proxy_config",
            s.localProxyConfig() == null ? Json.NULL : localProxy(s.localProxyConfig()))
        .add("reconfigure_concurrency", s.reconfigureConcurrency())
        .add("drop_subscriptions_before_start", s.dropSubscriptionsBeforeStart())
        .add("audit_log_level", s.auditLogLevel().name());
  }

  public static JsonObject cluster(Cluster c) {
    return new JsonObject()
        .add("cluster_id", string(c.clusterId()))
        .add("name", string(c.name()))
        .add("state", string(c.state()))
        .add("roles", array(c.roles(), SpecJson::role))
        .add("databases", array(c.databases(), SpecJson::database))
        .add("postgresql_conf", string(c.postgresqlConf()))
        .add("settings", array(c.settings(), SpecJson::genericOption));
  }

  public static JsonObject role(Role r) {
    return new JsonObject()
        .add("name", r.name())
        .add("encrypted_password", string(r.encryptedPassword()))
        .add("options", array(r.options(), SpecJson::genericOption));
  }

  public static JsonObject database(Database d) {
    return new JsonObject()
        .add("name", d.name())
        .add("owner", d.owner())
        .add("options", array(d.options(), SpecJson::genericOption))
        .add("restrict_conn", d.restrictConn())
        .add("invalid", d.invalid());
  }

  public static JsonObject genericOption(GenericOption o) {
    return new JsonObject()
        .add("name", o.name())
        .add("value", string(o.value()))
        .add("vartype", o.vartype());
  }

  public static JsonObject deltaOp(DeltaOp d) {
    return new JsonObject()
        .add("action", d.action())
        .add("name", d.name())
        .add("new_name", string(d.newName()));
  }

  public static JsonValue mode(ComputeMode m) {
    if (m.kind() == ComputeMode.Kind.STATIC) {
      return new JsonObject().add("Static", m.lsn().toString());
    }
    return Json.value(m.kind().json());
  }

  static JsonObject remoteExtensions(RemoteExtSpec r) {
    return new JsonObject()
        .add("public_extensions", strings(r.publicExtensions()))
        .add("custom_extensions", strings(r.customExtensions()))
        .add("library_index", map(r.libraryIndex(), Json::value))
        .add(
            "extension_data",
            map(
                r.extensionData(),
                d ->
                    new JsonObject()
                        .add("control_data", map(d.controlData(), Json::value))
                        .add("archive_path", d.archivePath())));
  }

  static JsonObject localProxy(LocalProxySpec l) {
    JsonObject o = new JsonObject();
    if (l.jwks() != null) {
      o.add(
          "jwks",
          array(
              l.jwks(),
              j ->
                  new JsonObject()
                      .add("id", j.id())
                      .add("role_names", strings(j.roleNames()))
                      .add("jwks_url", j.jwksUrl())
                      .add("provider_name", j.providerName())
                      .add("jwt_audience", string(j.jwtAudience()))));
    }
    if (l.tls() != null) {
      o.add(
          "tls",
          new JsonObject().add("key_path", l.tls().keyPath()).add("cert_path", l.tls().certPath()));
    }
    return o;
  }

  /**
   * An {@code f32} the way upstream prints it: integral values keep {@code .0}, others use the
   * shortest text that reads back as the same float, exponents as {@code e}.
   */
  static JsonValue f32(double value) {
    float f = (float) value;
    if (Float.isInfinite(f) || Float.isNaN(f)) {
      return Json
          .NULL; // as serde_json writes a float JSON cannot hold; the reader never yields one
    }
    String text;
    if (f == Math.rint(f) && Math.abs(f) < (float) 1e16) {
      text = (long) f + ".0";
    } else {
      text = Float.toString(f).replace(".0E", "E").replace('E', 'e');
    }
    return Json.parse(text);
  }

  private static JsonValue string(String s) {
    return s == null ? Json.NULL : Json.value(s);
  }

  private static JsonValue number(Long n) {
    return n == null ? Json.NULL : Json.value(n);
  }

  private static JsonValue strings(List<String> list) {
    return array(list, Json::value);
  }

  private static <T> JsonValue array(List<T> list, Function<T, JsonValue> element) {
    if (list == null) {
      return Json.NULL;
    }
    JsonArray a = new JsonArray();
    list.forEach(e -> a.add(element.apply(e)));
    return a;
  }

  private static <T> JsonValue map(Map<String, T> map, Function<T, JsonValue> value) {
    if (map == null) {
      return Json.NULL;
    }
    JsonObject o = new JsonObject();
    map.forEach((k, v) -> o.add(k, value.apply(v)));
    return o;
  }
}
