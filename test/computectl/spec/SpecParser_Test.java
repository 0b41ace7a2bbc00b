package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecParser_Test {
  static final String API_SPEC = "specs/compute-spec.json";
  static final String TOOLS_SPEC = "specs/compute-spec-duplicate-safekeeper.json";
  static final String MINIMAL =
      "{\"format_version\": 1.0, \"cluster\": {\"roles\": [], \"databases\": []}}";

  static ComputeSpec fixture(String name) {
    return SpecParser.parseSpec(Fixtures.read(name));
  }

  /** The fixture with {@code key: valueJson} added at the top level. */
  static String apiSpecWith(String key, String valueJson) {
    String text = Fixtures.read(API_SPEC);
    int open = text.indexOf('{');
    return text.substring(0, open + 1)
        + "\""
        + key
        + "\": "
        + valueJson
        + ",\n"
        + text.substring(open + 1);
  }

  @Test
  void parseSpec_readsEveryTopLevelFieldOfTheComputeApiFixture() {
    ComputeSpec s = fixture(API_SPEC);
    assertEquals(1.0, s.formatVersion());
    assertEquals("5e3a9c1d-2b47-4f86-a0d9-7c61e8b3f254", s.operationUuid());
    assertEquals(List.of(), s.features());
    assertNull(s.swapSizeBytes());
    assertNull(s.diskQuotaBytes());
    assertNull(s.disableLfcResizing());
    assertFalse(s.skipPgCatalogUpdates());
    assertNull(s.tenantId());
    assertNull(s.timelineId());
    assertNull(s.pageserverConnstring());
    assertNull(s.safekeepersGeneration());
    assertEquals(List.of(), s.safekeeperConnstrings());
    assertEquals(ComputeMode.PRIMARY, s.mode());
    assertNull(s.storageAuthToken());
    assertNull(s.shardStripeSize());
    assertNull(s.localProxyConfig());
    assertEquals(1, s.reconfigureConcurrency());
    assertFalse(s.dropSubscriptionsBeforeStart());
    assertEquals(AuditLogLevel.Disabled, s.auditLogLevel());
    assertEquals(Map.of("default_pool_size", "17", "pool_mode", "session"), s.pgbouncerSettings());
    assertEquals(
        List.of("default_pool_size", "pool_mode"), List.copyOf(s.pgbouncerSettings().keySet()));
  }

  @Test
  void parseSpec_readsTheClusterOfTheComputeApiFixture() {
    Cluster c = fixture(API_SPEC).cluster();
    assertEquals("fixture-cluster-7", c.clusterId());
    assertEquals("Fixture Cluster", c.name());
    assertEquals("restarted", c.state());
    assertNull(c.postgresqlConf());
    assertEquals(
        List.of(
            new Role("postgres", "8c0f6a2d9e4b17c35d2e9a8f1b6c4d70", null),
            new Role("reader", null, null),
            new Role("renamed \"role\"", "2d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b", null),
            new Role("owner_one", "4a9b8c7d6e5f40312a1b0c9d8e7f6a5b", null),
            new Role("\"odd\";\\n drop table x;", "2d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b", null),
            new Role("MixedCase", "2d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b", null)),
        c.roles());
    assertEquals(
        List.of(
            new Database(
                "Sales2",
                "reader",
                List.of(
                    new GenericOption("LC_COLLATE", "C", "string"),
                    new GenericOption("LC_CTYPE", "C", "string"),
                    new GenericOption("TEMPLATE", "template0", "enum")),
                false,
                false),
            new Database("inventory", "MixedCase", null, false, false),
            new Database("owner_db", "owner_one", null, false, false)),
        c.databases());
    assertEquals(
        List.of(
            new GenericOption("fsync", "off", "bool"),
            new GenericOption("wal_level", "logical", "enum"),
            new GenericOption("hot_standby", "on", "bool"),
            new GenericOption(
                "neon.safekeepers", "127.0.0.1:7502,127.0.0.1:7503,127.0.0.1:7501", "string"),
            new GenericOption("wal_log_hints", "on", "bool"),
            new GenericOption("log_connections", "on", "bool"),
            new GenericOption("shared_buffers", "32768", "integer"),
            new GenericOption("port", "55432", "integer"),
            new GenericOption("max_connections", "100", "integer"),
            new GenericOption("max_wal_senders", "10", "integer"),
            new GenericOption("listen_addresses", "0.0.0.0", "string"),
            new GenericOption("wal_sender_timeout", "0", "integer"),
            new GenericOption("password_encryption", "md5", "enum"),
            new GenericOption("maintenance_work_mem", "65536", "integer"),
            new GenericOption("max_parallel_workers", "8", "integer"),
            new GenericOption("max_worker_processes", "8", "integer"),
            new GenericOption("neon.tenant_id", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "string"),
            new GenericOption("max_replication_slots", "10", "integer"),
            new GenericOption("neon.timeline_id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "string"),
            new GenericOption("shared_preload_libraries", "neon", "string"),
            new GenericOption("synchronous_standby_names", "walproposer", "string"),
            new GenericOption("neon.pageserver_connstring", "host=127.0.0.1 port=7400", "string"),
            new GenericOption(
                "test.escaping",
                "one quote ' one backslash \\ one double quote \" the end",
                "string")),
        c.settings());
    assertEquals(
        "127.0.0.1:7502,127.0.0.1:7503,127.0.0.1:7501",
        fixture(API_SPEC).setting("neon.safekeepers").orElseThrow());
  }

  @Test
  void parseSpec_readsDeltaOperationsAndRemoteExtensionsOfTheComputeApiFixture() {
    ComputeSpec s = fixture(API_SPEC);
    assertEquals(
        List.of(
            new DeltaOp("delete_db", "old_db", null),
            new DeltaOp("rename_db", "Sales", "Sales2"),
            new DeltaOp("delete_role", "gone_role", null),
            new DeltaOp("rename_role", "renamed role", "renamed \"role\"")),
        s.deltaOperations());
    RemoteExtSpec r = s.remoteExtensions();
    assertEquals(List.of("geo"), r.publicExtensions());
    assertEquals(List.of(), r.customExtensions());
    assertEquals(
        List.of("geo-2", "georoute-1.1", "geo_raster-2", "geo_topology-2"),
        List.copyOf(r.libraryIndex().keySet()));
    assertTrue(r.libraryIndex().values().stream().allMatch("geo"::equals));
    RemoteExtSpec.ExtensionData geo = r.extensionData().get("geo");
    assertEquals("1234567/v15/extensions/geo.tar.zst", geo.archivePath());
    assertEquals(4, geo.controlData().size());
    assertTrue(
        geo.controlData()
            .get("geo.control")
            .startsWith("# geo: a fixture extension\ncomment = ''"));
  }

  @Test
  void parseSpec_readsTheComputeToolsFixtureWithItsDuplicateSafekeeper() {
    ComputeSpec s = fixture(TOOLS_SPEC);
    assertEquals(24, s.cluster().settings().size());
    assertEquals(
        new GenericOption("neon.file_cache_size_limit", "512MB", "string"),
        s.cluster().settings().get(3));
    assertEquals(
        "127.0.0.1:7502,127.0.0.1:7503,127.0.0.1:7501,127.0.0.1:7502",
        s.setting("neon.safekeepers").orElseThrow());
    assertEquals(fixture(API_SPEC).cluster().roles(), s.cluster().roles());
    assertEquals(fixture(API_SPEC).deltaOperations(), s.deltaOperations());
  }

  @Test
  void parseSpec_appliesUpstreamDefaults() {
    ComputeSpec s = SpecParser.parseSpec(MINIMAL);
    assertEquals(List.of(), s.features());
    assertEquals(1, s.reconfigureConcurrency());
    assertEquals(ComputeMode.PRIMARY, s.mode());
    assertEquals(AuditLogLevel.Disabled, s.auditLogLevel());
    assertFalse(s.skipPgCatalogUpdates());
    assertFalse(s.dropSubscriptionsBeforeStart());
    assertEquals(List.of(), s.safekeeperConnstrings());
    assertNull(s.deltaOperations());
    assertNull(s.cluster().settings());
    assertNull(s.remoteExtensions());
    assertNull(s.pgbouncerSettings());
  }

  @Test
  void parseSpec_acceptsAnUnknownTopLevelKey() {
    ComputeSpec s = SpecParser.parseSpec(apiSpecWith("unknown_field_123123123", "\"hello\""));
    assertEquals(fixture(API_SPEC), s);
  }

  @Test
  void parseSpec_acceptsUnknownKeysAtEveryLevel() {
    ComputeSpec s =
        SpecParser.parseSpec(
            "{\"format_version\": 1, \"x\": {\"deep\": [1]}, \"cluster\": {\"extra\": null,"
                + " \"roles\": [{\"name\": \"r\", \"colour\": \"red\"}], \"databases\": [{\"name\":"
                + " \"d\", \"owner\": \"r\", \"restrict_conn\": true, \"invalid\": true}]}}");
    assertEquals(List.of(new Role("r", null, null)), s.cluster().roles());
    assertEquals(List.of(new Database("d", "r", null, false, false)), s.cluster().databases());
  }

  @Test
  void parseSpec_turnsUnknownFeaturesIntoUnknownFeature() {
    ComputeSpec s =
        SpecParser.parseSpec(apiSpecWith("features", "[\"foo_bar_feature\", \"baz_feature\"]"));
    assertEquals(List.of(Feature.UNKNOWN_FEATURE, Feature.UNKNOWN_FEATURE), s.features());
  }

  @Test
  void parseSpec_readsKnownFeatures() {
    ComputeSpec s =
        SpecParser.parseSpec(
            apiSpecWith(
                "features", "[\"activity_monitor_experimental\", \"postgres_logs_export\"]"));
    assertEquals(
        List.of(Feature.ACTIVITY_MONITOR_EXPERIMENTAL, Feature.POSTGRES_LOGS_EXPORT), s.features());
    assertTrue(s.hasFeature(Feature.ACTIVITY_MONITOR_EXPERIMENTAL));
  }

  @Test
  void parseSpec_treatsNullOptionsAsAbsent() {
    String doc =
        "{\"format_version\": 1, \"operation_uuid\": null, \"swap_size_bytes\": null,"
            + " \"disk_quota_bytes\": null, \"disable_lfc_resizing\": null, \"delta_operations\":"
            + " null, \"tenant_id\": null, \"timeline_id\": null, \"pageserver_connstring\": null,"
            + " \"safekeepers_generation\": null, \"storage_auth_token\": null,"
            + " \"remote_extensions\": null, \"pgbouncer_settings\": null, \"shard_stripe_size\":"
            + " null, \"local_proxy_config\": null, \"cluster\": {\"cluster_id\": null, \"name\":"
            + " null, \"state\": null, \"postgresql_conf\": null, \"settings\": null, \"roles\":"
            + " [{\"name\": \"r\", \"encrypted_password\": null, \"options\": null}],"
            + " \"databases\": []}}";
    ComputeSpec s = SpecParser.parseSpec(doc);
    assertEquals(
        SpecParser.parseSpec(
            "{\"format_version\": 1, \"cluster\": {\"roles\": [{\"name\": \"r\"}], \"databases\":"
                + " []}}"),
        s);
  }

  @Test
  void parseSpec_readsEveryOptionalField() {
    String doc =
        "{\"format_version\": 1.5, \"features\": [\"activity_monitor_experimental\"],"
            + " \"swap_size_bytes\": 1073741824, \"disk_quota_bytes\": 9223372036854775807,"
            + " \"disable_lfc_resizing\": true, \"skip_pg_catalog_updates\": true, \"tenant_id\":"
            + " \"B0554B632BD4D547A63B86C3630317E8\", \"timeline_id\":"
            + " \"2414a61ffc94e428f14b5758fe308e13\", \"pageserver_connstring\": \"host=a"
            + " port=1,host=b port=2\", \"safekeepers_generation\": 4294967295,"
            + " \"safekeeper_connstrings\": [\"sk1:5454\", \"sk2:5454\"], \"mode\": {\"Static\": \""
            + " 1/16b5ba8 \"}, \"storage_auth_token\": \"tok\", \"shard_stripe_size\": 32768,"
            + " \"reconfigure_concurrency\": 8, \"drop_subscriptions_before_start\": true,"
            + " \"audit_log_level\": \"Hipaa\", \"local_proxy_config\": {\"jwks\": [{\"id\": \"j\","
            + " \"role_names\": [\"a\", \"b\"], \"jwks_url\": \"https://x/jwks\","
            + " \"provider_name\": \"p\"}], \"tls\": {\"key_path\": \"/k\", \"cert_path\":"
            + " \"/c\"}}, \"cluster\": {\"postgresql_conf\": \"a=1\\n"
            + "\", \"roles\": [], \"databases\": []}}";
    ComputeSpec s = SpecParser.parseSpec(doc);
    assertEquals(1.5, s.formatVersion());
    assertEquals(1073741824L, s.swapSizeBytes());
    assertEquals(Long.MAX_VALUE, s.diskQuotaBytes());
    assertEquals(true, s.disableLfcResizing());
    assertTrue(s.skipPgCatalogUpdates());
    assertEquals("b0554b632bd4d547a63b86c3630317e8", s.tenantId());
    assertEquals("2414a61ffc94e428f14b5758fe308e13", s.timelineId());
    assertEquals("host=a port=1,host=b port=2", s.pageserverConnstring());
    assertEquals(4294967295L, s.safekeepersGeneration());
    assertEquals(List.of("sk1:5454", "sk2:5454"), s.safekeeperConnstrings());
    assertEquals(ComputeMode.staticAt(new Lsn(0x1_016B5BA8L)), s.mode());
    assertEquals("1/16B5BA8", s.mode().lsn().toString());
    assertEquals("tok", s.storageAuthToken());
    assertEquals(32768L, s.shardStripeSize());
    assertEquals(8, s.reconfigureConcurrency());
    assertTrue(s.dropSubscriptionsBeforeStart());
    assertEquals(AuditLogLevel.Hipaa, s.auditLogLevel());
    assertEquals(
        new LocalProxySpec(
            List.of(
                new LocalProxySpec.JwksSettings(
                    "j", List.of("a", "b"), "https://x/jwks", "p", null)),
            new TlsConfig("/k", "/c")),
        s.localProxyConfig());
    assertTrue(s.localProxyConfig().isJwksRole("b"));
    assertEquals("a=1\n", s.cluster().postgresqlConf());
  }

  @Test
  void parseSpec_readsTheThreeModes() {
    assertEquals(ComputeMode.PRIMARY, modeOf("\"Primary\""));
    assertEquals(ComputeMode.REPLICA, modeOf("\"Replica\""));
    assertEquals(
        ComputeMode.staticAt(Lsn.parse("0/16B5BA8")), modeOf("{\"Static\": \"0/16B5BA8\"}"));
    assertEquals(ComputeMode.REPLICA, modeOf("{\"Replica\": null}"));
  }

  private static ComputeMode modeOf(String json) {
    return SpecParser.parseSpec(
            "{\"format_version\": 1, \"mode\": "
                + json
                + ", \"cluster\": {\"roles\": [], \"databases\": []}}")
        .mode();
  }

  @Test
  void parseSpec_readsTheAuditLevelsSpelledExactly() {
    for (AuditLogLevel level : AuditLogLevel.values()) {
      assertEquals(
          level,
          SpecParser.parseSpec(apiSpecWith("audit_log_level", "\"" + level.name() + "\""))
              .auditLogLevel());
    }
  }

  @Test
  void parseSpec_acceptsRemoteExtensionsWithNullLists() {
    ComputeSpec s =
        SpecParser.parseSpec(
            "{\"format_version\": 1, \"remote_extensions\": {\"public_extensions\": null,"
                + " \"custom_extensions\": null, \"library_index\": {}, \"extension_data\": {}},"
                + " \"cluster\": {\"roles\": [], \"databases\": []}}");
    assertNull(s.remoteExtensions().publicExtensions());
    assertNull(s.remoteExtensions().customExtensions());
    assertEquals(Map.of(), s.remoteExtensions().libraryIndex());
  }

  @Test
  void parseSpec_refusesNestingDeeperThanTheLimitWithoutOverflowingTheStack() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parseSpec("{\"a\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
    assertEquals(SpecException.Kind.SYNTAX, e.kind());
    assertEquals("recursion limit exceeded at line 1 column 133", e.getMessage());
  }

  @Test
  void parseSpec_doesNotCountBracketsInsideStrings() {
    ComputeSpec s =
        SpecParser.parseSpec(
            "{\"format_version\": 1, \"operation_uuid\": \""
                + "[{\\\"".repeat(300)
                + "\", \"cluster\": {\"roles\": [], \"databases\": []}}");
    assertEquals("[{\"".repeat(300), s.operationUuid());
  }
}
