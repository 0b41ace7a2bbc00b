package computectl.spec;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.List;

/** Converts JSON to the ComputeSpec records with upstream's field rules (behaviour.md 3.3). */
final class ComputeSpecReader {
  private static final List<String> MODES = List.of("Primary", "Static", "Replica");
  private static final List<String> AUDIT_LEVELS = List.of("Disabled", "Log", "Hipaa");
  private static final String LSN_EXAMPLE = "an LSN string like \"0/16B5BA8\"";

  private ComputeSpecReader() {}

  static ComputeSpec computeSpec(JsonNode node) {
    StructFields f = new StructFields(node);
    Double formatVersion = f.required("format_version", JsonNode.NUMBER);
    String operationUuid = f.optional("operation_uuid", JsonNode.STRING);
    List<Feature> features =
        f.withDefault("features", n -> n.list(ComputeSpecReader::feature), List.of());
    Long swapSizeBytes = f.optional("swap_size_bytes", JsonNode.U64);
    Long diskQuotaBytes = f.optional("disk_quota_bytes", JsonNode.U64);
    Boolean disableLfcResizing = f.optional("disable_lfc_resizing", JsonNode.BOOL);
    Cluster cluster = f.required("cluster", ComputeSpecReader::cluster);
    List<DeltaOp> deltaOperations =
        f.optional("delta_operations", n -> n.list(ComputeSpecReader::deltaOp));
    Boolean skipPgCatalogUpdates = f.withDefault("skip_pg_catalog_updates", JsonNode.BOOL, false);
    String tenantId = f.optional("tenant_id", ComputeSpecReader::hexId);
    String timelineId = f.optional("timeline_id", ComputeSpecReader::hexId);
    String pageserverConnstring = f.optional("pageserver_connstring", JsonNode.STRING);
    Long safekeepersGeneration = f.optional("safekeepers_generation", JsonNode.U32);
    List<String> safekeeperConnstrings =
        f.withDefault("safekeeper_connstrings", JsonNode.STRING_LIST, List.of());
    ComputeMode mode = f.withDefault("mode", ComputeSpecReader::mode, ComputeMode.PRIMARY);
    String storageAuthToken = f.optional("storage_auth_token", JsonNode.STRING);
    RemoteExtSpec remoteExtensions =
        f.optional("remote_extensions", ComputeSpecReader::remoteExtensions);
    var pgbouncerSettings = f.optional("pgbouncer_settings", JsonNode.STRING_MAP);
    Long shardStripeSize = f.optional("shard_stripe_size", JsonNode.U64);
    LocalProxySpec localProxyConfig =
        f.optional("local_proxy_config", ComputeSpecReader::localProxy);
    Long reconfigureConcurrency = f.withDefault("reconfigure_concurrency", JsonNode.U64, 1L);
    Boolean dropSubscriptions =
        f.withDefault("drop_subscriptions_before_start", JsonNode.BOOL, false);
    AuditLogLevel auditLogLevel =
        f.withDefault(
            "audit_log_level",
            n -> AuditLogLevel.valueOf(n.variant(AUDIT_LEVELS)),
            AuditLogLevel.Disabled);
    f.finish();
    return new ComputeSpec(
        formatVersion,
        operationUuid,
        features,
        swapSizeBytes,
        diskQuotaBytes,
        disableLfcResizing,
        cluster,
        deltaOperations,
        skipPgCatalogUpdates,
        tenantId,
        timelineId,
        pageserverConnstring,
        safekeepersGeneration,
        safekeeperConnstrings,
        mode,
        storageAuthToken,
        remoteExtensions,
        pgbouncerSettings,
        shardStripeSize,
        localProxyConfig,
        reconfigureConcurrency,
        dropSubscriptions,
        auditLogLevel);
  }

  static Feature feature(JsonNode node) {
    return Feature.fromJson(node.string());
  }

  static String hexId(JsonNode node) {
    String id = HexId.normalize(node.string());
    if (id == null) {
      throw node.error("expected 32 hex digits, got " + JsonNode.describe(node.value()));
    }
    return id;
  }

  static Cluster cluster(JsonNode node) {
    StructFields f = new StructFields(node);
    String clusterId = f.optional("cluster_id", JsonNode.STRING);
    String name = f.optional("name", JsonNode.STRING);
    String state = f.optional("state", JsonNode.STRING);
    List<Role> roles = f.required("roles", n -> n.list(ComputeSpecReader::role));
    List<Database> databases = f.required("databases", n -> n.list(ComputeSpecReader::database));
    String postgresqlConf = f.optional("postgresql_conf", JsonNode.STRING);
    List<GenericOption> settings = f.optional("settings", ComputeSpecReader::options);
    f.finish();
    return new Cluster(clusterId, name, state, roles, databases, postgresqlConf, settings);
  }

  static Role role(JsonNode node) {
    StructFields f = new StructFields(node);
    String name = f.required("name", JsonNode.STRING);
    String encryptedPassword = f.optional("encrypted_password", JsonNode.STRING);
    List<GenericOption> options = f.optional("options", ComputeSpecReader::options);
    f.finish();
    return new Role(name, encryptedPassword, options);
  }

  /** restrict_conn and invalid are never read from input, as upstream (skip_deserializing). */
  static Database database(JsonNode node) {
    StructFields f = new StructFields(node);
    String name = f.required("name", JsonNode.STRING);
    String owner = f.required("owner", JsonNode.STRING);
    List<GenericOption> options = f.optional("options", ComputeSpecReader::options);
    f.finish();
    return new Database(name, owner, options, false, false);
  }

  static List<GenericOption> options(JsonNode node) {
    return node.list(ComputeSpecReader::genericOption);
  }

  static GenericOption genericOption(JsonNode node) {
    StructFields f = new StructFields(node);
    String name = f.required("name", JsonNode.STRING);
    String value = f.optional("value", JsonNode.STRING);
    String vartype = f.required("vartype", JsonNode.STRING);
    f.finish();
    return new GenericOption(name, value, vartype);
  }

  static DeltaOp deltaOp(JsonNode node) {
    StructFields f = new StructFields(node);
    String action = f.required("action", JsonNode.STRING);
    String name = f.required("name", JsonNode.STRING);
    String newName = f.optional("new_name", JsonNode.STRING);
    f.finish();
    return new DeltaOp(action, name, newName);
  }

  /** Externally tagged: {@code "Primary"}, {@code "Replica"} or {@code {"Static": "<LSN>"}}. */
  static ComputeMode mode(JsonNode node) {
    JsonValue v = node.value();
    if (v != null && v.isString()) {
      String s = node.variant(MODES);
      if (s.equals("Static")) {
        throw node.error("\"Static\" needs an LSN: {\"Static\": \"<LSN>\"}");
      }
      return s.equals("Primary") ? ComputeMode.PRIMARY : ComputeMode.REPLICA;
    }
    if (v == null || !v.isObject()) {
      throw node.typeError("\"Primary\", \"Replica\" or {\"Static\": \"<LSN>\"}");
    }
    JsonObject o = v.asObject();
    if (o.size() != 1) {
      throw node.error("expected an object with exactly one key, got " + o.size() + " keys");
    }
    JsonObject.Member only = o.iterator().next();
    JsonNode inner = node.child(only.getName(), only.getValue());
    switch (only.getName()) {
      case "Static" -> {
        return ComputeMode.staticAt(lsn(inner));
      }
      case "Primary", "Replica" -> {
        if (!only.getValue().isNull()) {
          throw inner.typeError("null (\"" + only.getName() + "\" takes no value)");
        }
        return only.getName().equals("Primary") ? ComputeMode.PRIMARY : ComputeMode.REPLICA;
      }
      default ->
          throw node.error(
              "unknown variant "
                  + JsonText.name(only.getName())
                  + ", expected "
                  + JsonText.oneOf(MODES));
    }
  }

  static Lsn lsn(JsonNode node) {
    JsonValue v = node.value();
    if (v == null || !v.isString()) {
      throw node.typeError(LSN_EXAMPLE);
    }
    try {
      return Lsn.parse(v.asString());
    } catch (IllegalArgumentException e) {
      throw node.error("invalid LSN " + JsonNode.describe(v));
    }
  }

  static RemoteExtSpec remoteExtensions(JsonNode node) {
    StructFields f = new StructFields(node);
    List<String> publicExtensions = f.optional("public_extensions", JsonNode.STRING_LIST);
    List<String> customExtensions = f.optional("custom_extensions", JsonNode.STRING_LIST);
    var libraryIndex = f.required("library_index", JsonNode.STRING_MAP);
    var extensionData = f.required("extension_data", n -> n.map(ComputeSpecReader::extensionData));
    f.finish();
    return new RemoteExtSpec(publicExtensions, customExtensions, libraryIndex, extensionData);
  }

  static RemoteExtSpec.ExtensionData extensionData(JsonNode node) {
    StructFields f = new StructFields(node);
    var controlData = f.required("control_data", JsonNode.STRING_MAP);
    String archivePath = f.required("archive_path", JsonNode.STRING);
    f.finish();
    return new RemoteExtSpec.ExtensionData(controlData, archivePath);
  }

  static LocalProxySpec localProxy(JsonNode node) {
    StructFields f = new StructFields(node);
    List<LocalProxySpec.JwksSettings> jwks =
        f.optional("jwks", n -> n.list(ComputeSpecReader::jwksSettings));
    TlsConfig tls = f.optional("tls", ConfigReader::tls);
    f.finish();
    return new LocalProxySpec(jwks, tls);
  }

  static LocalProxySpec.JwksSettings jwksSettings(JsonNode node) {
    StructFields f = new StructFields(node);
    String id = f.required("id", JsonNode.STRING);
    List<String> roleNames = f.required("role_names", JsonNode.STRING_LIST);
    String jwksUrl = f.required("jwks_url", JsonNode.STRING);
    String providerName = f.required("provider_name", JsonNode.STRING);
    String jwtAudience = f.optional("jwt_audience", JsonNode.STRING);
    f.finish();
    return new LocalProxySpec.JwksSettings(id, roleNames, jwksUrl, providerName, jwtAudience);
  }
}
