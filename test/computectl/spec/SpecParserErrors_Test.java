package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed specs, each with the exact message and kind it must produce. */
class SpecParserErrors_Test {
  private static final String CLUSTER = "\"cluster\": {\"roles\": [], \"databases\": []}";

  /** A spec with valid format_version and cluster plus {@code extra} top-level members. */
  private static String spec(String extra) {
    return "{\"format_version\": 1.0, " + extra + (extra.isEmpty() ? "" : ", ") + CLUSTER + "}";
  }

  /** A spec whose cluster object has the body {@code clusterBody}. */
  private static String cluster(String clusterBody) {
    return "{\"format_version\": 1.0, \"cluster\": {" + clusterBody + "}}";
  }

  private static Arguments shape(String doc, String message) {
    return Arguments.of(doc, SpecException.Kind.SHAPE, message);
  }

  private static Arguments syntax(String doc, String message) {
    return Arguments.of(doc, SpecException.Kind.SYNTAX, message);
  }

  static Stream<Arguments> malformedSpecs() {
    return Stream.of(
        syntax("", "unexpected end of input at line 1 column 1"),
        syntax("{\"format_version\": 1,}", "expected name at line 1 column 22"),
        syntax(
            "{\"format_version\": 1.0,\n  \"cluster\": tru}", "expected 'e' at line 2 column 17"),
        syntax("{\"format_version\": 1} {}", "unexpected character at line 1 column 23"),
        syntax(
            "{\"operation_uuid\": \"a\u0001b\"}",
            "expected valid string character at line 1 column 22"),
        syntax("{\"format_version\": 01}", "expected ',' or '}' at line 1 column 21"),
        shape("[]", ".: expected an object, got an array"),
        shape(
            "{\"cluster\": {\"roles\": [], \"databases\": []}}",
            ".: missing field `format_version`"),
        shape("{\"format_version\": 1}", ".: missing field `cluster`"),
        shape(cluster("\"databases\": []"), "cluster: missing field `roles`"),
        shape(cluster("\"roles\": []"), "cluster: missing field `databases`"),
        shape(
            "{\"format_version\": \"1.0\", " + CLUSTER + "}",
            "format_version: expected a number, got \"1.0\""),
        shape(
            "{\"format_version\": 1e39, " + CLUSTER + "}",
            "format_version: number out of range for a 32-bit float: 1e39"),
        shape(
            "{\"format_version\": 1, \"cluster\": [1]}",
            "cluster: expected an object, got an array"),
        shape(
            "{\"format_version\": 1, \"cluster\": null}", "cluster: expected an object, got null"),
        shape(
            cluster(
                "\"roles\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": 17}], \"databases\":"
                    + " []"),
            "cluster.roles[2].name: expected a string, got 17"),
        shape(
            cluster("\"roles\": [{\"encrypted_password\": \"x\"}], \"databases\": []"),
            "cluster.roles[0]: missing field `name`"),
        shape(
            cluster("\"roles\": null, \"databases\": []"),
            "cluster.roles: expected an array, got null"),
        shape(
            cluster("\"roles\": [], \"databases\": [{\"name\": \"d\"}]"),
            "cluster.databases[0]: missing field `owner`"),
        shape(
            cluster(
                "\"roles\": [], \"databases\": [{\"name\": \"d\", \"owner\": \"o\", \"options\":"
                    + " {}}]"),
            "cluster.databases[0].options: expected an array, got an object"),
        shape(
            cluster(
                "\"roles\": [], \"databases\": [], \"settings\": [{\"name\": \"a\", \"value\":"
                    + " \"1\", \"vartype\": \"bool\"}, {\"name\": \"b\", \"value\": \"2\"}]"),
            "cluster.settings[1]: missing field `vartype`"),
        shape(
            cluster(
                "\"roles\": [], \"databases\": [], \"settings\": [{\"name\": \"a\", \"value\": 5,"
                    + " \"vartype\": \"integer\"}]"),
            "cluster.settings[0].value: expected a string, got 5"),
        shape(spec("\"features\": null"), "features: expected an array, got null"),
        shape(
            spec("\"features\": [\"activity_monitor_experimental\", 1]"),
            "features[1]: expected a string, got 1"),
        shape(
            spec("\"swap_size_bytes\": -1"),
            "swap_size_bytes: expected an unsigned 64-bit integer, got -1"),
        shape(
            spec("\"swap_size_bytes\": 1.5"),
            "swap_size_bytes: expected an unsigned 64-bit integer, got 1.5"),
        shape(
            spec("\"swap_size_bytes\": 1e3"),
            "swap_size_bytes: expected an unsigned 64-bit integer, got 1e3"),
        shape(
            spec("\"disk_quota_bytes\": 18446744073709551616"),
            "disk_quota_bytes: expected an unsigned 64-bit integer, got 18446744073709551616"),
        shape(
            spec("\"disk_quota_bytes\": 9223372036854775808"),
            "disk_quota_bytes: 9223372036854775808 is larger than the supported maximum"
                + " 9223372036854775807"),
        shape(
            spec("\"safekeepers_generation\": 4294967296"),
            "safekeepers_generation: expected an unsigned 32-bit integer, got 4294967296"),
        shape(
            spec("\"reconfigure_concurrency\": \"2\""),
            "reconfigure_concurrency: expected an unsigned 64-bit integer, got \"2\""),
        shape(
            spec("\"shard_stripe_size\": true"),
            "shard_stripe_size: expected an unsigned 64-bit integer, got true"),
        shape(
            spec("\"skip_pg_catalog_updates\": \"true\""),
            "skip_pg_catalog_updates: expected a boolean, got \"true\""),
        shape(
            spec("\"skip_pg_catalog_updates\": null"),
            "skip_pg_catalog_updates: expected a boolean, got null"),
        shape(
            spec("\"disable_lfc_resizing\": 1"), "disable_lfc_resizing: expected a boolean, got 1"),
        shape(
            spec("\"mode\": \"Secondary\""),
            "mode: unknown variant `Secondary`, expected one of `Primary`, `Static`,"
                + " `Replica`"),
        shape(
            spec("\"mode\": \"primary\""),
            "mode: unknown variant `primary`, expected one of `Primary`, `Static`," + " `Replica`"),
        shape(
            spec("\"mode\": {\"Static\": 123}"),
            "mode.Static: expected an LSN string like \"0/16B5BA8\", got 123"),
        shape(spec("\"mode\": {\"Static\": \"16B5BA8\"}"), "mode.Static: invalid LSN \"16B5BA8\""),
        shape(spec("\"mode\": {\"Static\": \"-1/0\"}"), "mode.Static: invalid LSN \"-1/0\""),
        shape(
            spec("\"mode\": \"Static\""), "mode: \"Static\" needs an LSN: {\"Static\": \"<LSN>\"}"),
        shape(
            spec("\"mode\": 5"),
            "mode: expected \"Primary\", \"Replica\" or {\"Static\": \"<LSN>\"}, got 5"),
        shape(spec("\"mode\": {}"), "mode: expected an object with exactly one key, got 0 keys"),
        shape(
            spec("\"mode\": {\"Hot\": null}"),
            "mode: unknown variant `Hot`, expected one of `Primary`, `Static`, `Replica`"),
        shape(
            spec("\"audit_log_level\": \"hipaa\""),
            "audit_log_level: unknown variant `hipaa`, expected one of `Disabled`, `Log`,"
                + " `Hipaa`"),
        shape(spec("\"tenant_id\": \"abc\""), "tenant_id: expected 32 hex digits, got \"abc\""),
        shape(
            spec("\"timeline_id\": \"2414a61ffc94e428f14b5758fe308e1g\""),
            "timeline_id: expected 32 hex digits, got \"2414a61ffc94e428f14b5758fe308e1g\""),
        shape(
            spec("\"delta_operations\": [{\"name\": \"x\"}]"),
            "delta_operations[0]: missing field `action`"),
        shape(
            spec(
                "\"delta_operations\": [{\"action\": \"rename_db\", \"name\": \"x\", \"new_name\":"
                    + " 1}]"),
            "delta_operations[0].new_name: expected a string, got 1"),
        shape(
            spec("\"remote_extensions\": {\"extension_data\": {}}"),
            "remote_extensions: missing field `library_index`"),
        shape(
            spec(
                "\"remote_extensions\": {\"library_index\": {}, \"extension_data\": {\"postgis\":"
                    + " {\"control_data\": {}, \"archive_path\": 1}}}"),
            "remote_extensions.extension_data.postgis.archive_path: expected a string, got 1"),
        shape(
            spec("\"pgbouncer_settings\": {\"pool_mode\": 5}"),
            "pgbouncer_settings.pool_mode: expected a string, got 5"),
        shape(
            spec(
                "\"local_proxy_config\": {\"jwks\": [{\"id\": \"i\", \"role_names\": [],"
                    + " \"jwks_url\": \"u\"}]}"),
            "local_proxy_config.jwks[0]: missing field `provider_name`"),
        shape(
            spec("\"local_proxy_config\": {\"tls\": {\"key_path\": \"/k\"}}"),
            "local_proxy_config.tls: missing field `cert_path`"),
        shape(
            spec("\"safekeeper_connstrings\": \"a:1,b:2\""),
            "safekeeper_connstrings: expected an array, got \"a:1,b:2\""),
        shape(spec("\"storage_auth_token\": 12"), "storage_auth_token: expected a string, got 12"),
        shape(
            "{\"format_version\": 1, \"format_version\": 2, " + CLUSTER + "}",
            ".: duplicate field `format_version`"),
        shape(
            spec(
                "\"operation_uuid\": \""
                    + "x".repeat(100)
                    + "\", \"swap_size_bytes\": \""
                    + "y".repeat(100)
                    + "\""),
            "swap_size_bytes: expected an unsigned 64-bit integer, got \""
                + "y".repeat(64)
                + "\"..."),
        shape(
            spec("\"mode\": \"" + "M".repeat(1000) + "\""),
            "mode: unknown variant `"
                + "M".repeat(64)
                + "`..., expected one of `Primary`, `Static`, `Replica`"),
        shape(
            spec("\"pgbouncer_settings\": {\"" + "k".repeat(1000) + "\": 1}"),
            "pgbouncer_settings." + "k".repeat(64) + "...: expected a string, got 1"),
        shape(
            spec("\"swap_size_bytes\": " + "9".repeat(100_000)),
            "swap_size_bytes: expected an unsigned 64-bit integer, got " + "9".repeat(64) + "..."),
        // Several problems: the first in document order wins, and missing fields come last.
        shape(
            "{\"format_version\": \"x\", \"cluster\": 5}",
            "format_version: expected a number, got \"x\""),
        shape("{\"cluster\": 5, \"format_version\": \"x\"}", "cluster: expected an object, got 5"),
        shape(
            "{\"cluster\": {\"roles\": [], \"databases\": []}, \"operation_uuid\": 5}",
            "operation_uuid: expected a string, got 5"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("malformedSpecs")
  void parseSpec_reportsTheExactProblem(String doc, SpecException.Kind kind, String message) {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parseSpec(doc));
    assertEquals(message, e.getMessage());
    assertEquals(kind, e.kind());
  }
}
