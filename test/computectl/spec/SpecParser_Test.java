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
  static final String API_SPEC = "specs/upstream-compute-api-cluster_spec.json";
  static final String TOOLS_SPEC = "specs/upstream-compute-tools-cluster_spec.json";
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
    assertEquals("0f657b36-4b0f-4a2d-9c2e-1dcd615e7d8b", s.operationUuid());
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
    assertEquals(Map.of("default_pool_size", "42", "pool_mode", "session"), s.pgbouncerSettings());
    assertEquals(
        List.of("default_pool_size", "pool_mode"), List.copyOf(s.pgbouncerSettings().keySet()));
  }

  @Test
  void parseSpec_readsTheClusterOfTheComputeApiFixture() {
    Cluster c = fixture(API_SPEC).cluster();
    assertEquals("test-cluster-42", c.clusterId());
    assertEquals("Zenith Test", c.name());
    assertEquals("restarted", c.state());
    assertNull(c.postgresqlConf());
    assertEquals(
        List.of(
            new Role("postgres", "6b1d16b78004bbd51fa06af9eda75972", null),
            new Role("alexk", null, null),
            new Role("zenith \"new\"", "5b1d16b78004bbd51fa06af9eda75972", null),
            new Role("zen", "9b1d16b78004bbd51fa06af9eda75972", null),
            new Role("\"name\";\\n select 1;", "5b1d16b78004bbd51fa06af9eda75972", null),
            new Role("MyRole", "5b1d16b78004bbd51fa06af9eda75972", null)),
        c.roles());
    assertEquals(
        List.of(
            new Database(
                "DB2",
                "alexk",
                List.of(
                    new GenericOption("LC_COLLATE", "C", "string"),
                    new GenericOption("LC_CTYPE", "C", "string"),
                    new GenericOption("TEMPLATE", "template0", "enum")),
                false,
                false),
            new Database("zenith", "MyRole", null, false, false),
            new Database("zen", "zen", null, false, false)),
        c.databases());
    assertEquals(
        List.of(
            new GenericOption("fsync", "off", "bool"),
            new GenericOption("wal_level", "logical", "enum"),
            new GenericOption("hot_standby", "on", "bool"),
            new GenericOption(
                "neon.safekeepers", "127.0.0.1:6502,127.0.0.1:6503,127.0.0.1:6501", "string"),
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
            new GenericOption("neon.tenant_id", "b0554b632bd4d547a63b86c3630317e8", "string"),
            new GenericOption("max_replication_slots", "10", "integer"),
            new GenericOption("neon.timeline_id", "2414a61ffc94e428f14b5758fe308e13", "string"),
            new GenericOption("shared_preload_libraries", "neon", "string"),
            new GenericOption("synchronous_standby_names", "walproposer", "string"),
            new GenericOption("neon.pageserver_connstring", "host=127.0.0.1 port=6400", "string"),
            new GenericOption(
                "test.escaping",
                "here's a backslash \\ and a quote ' and a double-quote \" hooray",
                "string")),
        c.settings());
    assertEquals(
        "127.0.0.1:6502,127.0.0.1:6503,127.0.0.1:6501",
        fixture(API_SPEC).setting("neon.safekeepers").orElseThrow());
  }

  @Test
  void parseSpec_readsDeltaOperationsAndRemoteExtensionsOfTheComputeApiFixture() {
    ComputeSpec s = fixture(API_SPEC);
    assertEquals(
        List.of(
            new DeltaOp("delete_db", "zenith_test", null),
            new DeltaOp("rename_db", "DB", "DB2"),
            new DeltaOp("delete_role", "zenith2", null),
            new DeltaOp("rename_role", "zenith new", "zenith \"new\"")),
        s.deltaOperations());
    RemoteExtSpec r = s.remoteExtensions();
    assertEquals(List.of("postgis"), r.publicExtensions());
    assertEquals(List.of(), r.customExtensions());
    assertEquals(
        List.of(
            "postgis-3",
            "libpgrouting-3.4",
            "postgis_raster-3",
            "postgis_sfcgal-3",
            "postgis_topology-3",
            "address_standardizer-3"),
        List.copyOf(r.libraryIndex().keySet()));
    assertTrue(r.libraryIndex().values().stream().allMatch("postgis"::equals));
    RemoteExtSpec.ExtensionData postgis = r.extensionData().get("postgis");
    assertEquals("5834329303/v15/extensions/postgis.tar.zst", postgis.archivePath());
    assertEquals(8, postgis.controlData().size());
    assertTrue(
        postgis
            .controlData()
            .get("postgis.control")
            .startsWith("# postgis extension\ncomment = ''PostGIS"));
  }

  @Test
  void parseSpec_readsTheComputeToolsFixtureWithItsDuplicateSafekeeper() {
    ComputeSpec s = fixture(TOOLS_SPEC);
    assertEquals(24, s.cluster().settings().size());
    assertEquals(
        new GenericOption("prewarm_lfc_on_startup", "off", "bool"), s.cluster().settings().get(3));
    assertEquals(
        "127.0.0.1:6502,127.0.0.1:6503,127.0.0.1:6501,127.0.0.1:6502",
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
