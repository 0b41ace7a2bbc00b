package computectl.fuzz;

import computectl.postgres.ConfigWriter;
import computectl.spec.ComputeSpec;
import computectl.spec.ParsedSpec;
import computectl.spec.SecurityConfigJson;
import computectl.spec.SpecJson;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.testsupport.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec parser and what reads its result: each case is parsed as a bare spec, a control-plane
 * response, a /configure body and a SecurityConfig; a spec that parses is validated, written back
 * to JSON and parsed again (it must come back equal), and rendered as postgresql.conf.
 */
public final class SpecParserTarget implements FuzzTarget {
  static final List<String> DICTIONARY =
      List.of(
          "\"format_version\":",
          "\"cluster\":",
          "\"roles\":",
          "\"databases\":",
          "\"settings\":",
          "\"delta_operations\":",
          "\"mode\":",
          "{\"Static\":\"0/16B5BA8\"}",
          "\"Replica\"",
          "\"Primary\"",
          "\"tenant_id\":",
          "\"timeline_id\":",
          "\"pageserver_connstring\":",
          "\"safekeeper_connstrings\":",
          "\"storage_auth_token\":",
          "\"features\":",
          "\"remote_extensions\":",
          "\"local_proxy_config\":",
          "\"compute_ctl_config\":",
          "\"jwks\":",
          "\"keys\":",
          "\"kty\":\"OKP\"",
          "\"crv\":\"Ed25519\"",
          "\"x\":",
          "\"kid\":",
          "\"tls\":",
          "\"status\":",
          "\"spec\":",
          "\"attached\"",
          "\"empty\"",
          "\"audit_log_level\":",
          "\"Hipaa\"",
          "\"skip_pg_catalog_updates\":",
          "\"reconfigure_concurrency\":",
          "\"encrypted_password\":",
          "\"options\":",
          "\"name\":",
          "\"owner\":",
          "\"value\":",
          "\"vartype\":",
          "\"action\":",
          "\"new_name\":",
          "\"delete_role\"",
          "\"rename_role\"",
          "\"delete_db\"",
          "\"rename_db\"",
          "\"pgbouncer_settings\":",
          "\"swap_size_bytes\":",
          "null",
          "true",
          "false",
          "[]",
          "{}",
          "[[[[[[[[",
          "{\"a\":{\"a\":{\"a\":",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"\\\"'; drop table x; --\"",
          "\"0/0\"",
          "\"FFFFFFFF/FFFFFFFF\"",
          "\"a\\nb\"",
          "1e999",
          "-0",
          "\"\"",
          "\"de8a8e2a5f67d1a1b53f2b1f98f7f0b1\"",
          "\"postgresql://no_user@host:6400\"",
          "\"host=h port=x\"");

  private final List<byte[]> corpus = new ArrayList<>();

  public SpecParserTarget() {
    String tools = Fixtures.read("specs/upstream-compute-tools-cluster_spec.json");
    String api = Fixtures.read("specs/upstream-compute-api-cluster_spec.json");
    String small =
        "{\"format_version\":1.0,\"operation_uuid\":\"op\",\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\",\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\",\"pageserver_connstring\":\"host=127.0.0.1"
            + " port=6400\","
            + "\"safekeeper_connstrings\":[\"127.0.0.1:5454\"],\"storage_auth_token\":\"tok\",\"mode\":{\"Static\":\"0/16B5BA8\"},"
            + "\"features\":[\"activity_monitor_experimental\"],\"delta_operations\":[{\"action\":\"rename_role\",\"name\":\"a\","
            + "\"new_name\":\"b\"},{\"action\":\"delete_db\",\"name\":\"d\"}],\"cluster\":{\"cluster_id\":\"c\",\"roles\":"
            + "[{\"name\":\"r\",\"encrypted_password\":\"SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vydg==\"}],\"databases\":"
            + "[{\"name\":\"db\",\"owner\":\"r\",\"options\":null}],\"settings\":[{\"name\":\"port\",\"value\":\"5432\","
            + "\"vartype\":\"integer\"},{\"name\":\"neon.x\",\"value\":\"it's\",\"vartype\":\"string\"}]}}";
    String keys =
        "{\"jwks\":{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"use\":\"sig\",\"kid\":\"k1\","
            + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]},\"tls\":{\"key_path\":\"/k\",\"cert_path\":\"/c\"}}";
    for (String s : List.of(tools, api, small)) {
      corpus.add(bytes(s));
      corpus.add(
          bytes(
              "{\"spec\":" + s + ",\"status\":\"attached\",\"compute_ctl_config\":" + keys + "}"));
      corpus.add(bytes("{\"spec\":" + s + ",\"compute_ctl_config\":" + keys + "}"));
    }
    corpus.add(
        bytes(
            "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}"));
    corpus.add(bytes(keys));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return "spec";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    return DICTIONARY;
  }

  @Override
  public void run(byte[] input, Probe probe) {
    String json = new String(input, StandardCharsets.UTF_8);
    probe
        .attempt("parseSpec", () -> SpecParser.parseSpec(json))
        .ifPresent(spec -> consume(spec, probe));
    probe
        .attempt("parseControlPlaneResponse", () -> SpecParser.parseControlPlaneResponse(json))
        .ifPresent(
            r -> {
              if (r.spec() != null) {
                consume(r.spec(), probe);
              }
            });
    probe
        .attempt("parseConfigurationRequest", () -> SpecParser.parseConfigurationRequest(json))
        .ifPresent(r -> consume(r.spec(), probe));
    probe.attempt("parseComputeCtlConfig", () -> SecurityConfigJson.parse(json));
  }

  private static ComputeSpec withVersion(ComputeSpec s, double v) {
    return new ComputeSpec(
        v,
        s.operationUuid(),
        s.features(),
        s.swapSizeBytes(),
        s.diskQuotaBytes(),
        s.disableLfcResizing(),
        s.cluster(),
        s.deltaOperations(),
        s.skipPgCatalogUpdates(),
        s.tenantId(),
        s.timelineId(),
        s.pageserverConnstring(),
        s.safekeepersGeneration(),
        s.safekeeperConnstrings(),
        s.mode(),
        s.storageAuthToken(),
        s.remoteExtensions(),
        s.pgbouncerSettings(),
        s.shardStripeSize(),
        s.localProxyConfig(),
        s.reconfigureConcurrency(),
        s.dropSubscriptionsBeforeStart(),
        s.auditLogLevel());
  }

  /**
   * What the compute does with a spec before any SQL: validation, postgresql.conf, JSON for the
   * API.
   */
  private static void consume(ComputeSpec spec, Probe probe) {
    probe.attempt("validate", () -> SpecValidator.validate(spec)).ifPresent((ParsedSpec ps) -> {});
    probe.attempt(
        "render postgresql.conf",
        () -> ConfigWriter.render(spec, ConfigWriter.Options.forThisHost(3081, false)));
    String again = SpecJson.toJson(spec);
    probe
        .attempt("reparse", () -> SpecParser.parseSpec(again))
        .ifPresent(
            back -> {
              // format_version is an f32 upstream and is written as one: compare at that precision.
              boolean sameVersion = (float) back.formatVersion() == (float) spec.formatVersion();
              String diff = RecordDiff.first("spec", withVersion(back, 0), withVersion(spec, 0));
              if (!sameVersion || diff != null) {
                probe.fail(
                    "the spec written back as JSON parses to a different spec: "
                        + (sameVersion
                            ? diff
                            : "format_version "
                                + spec.formatVersion()
                                + " came back as "
                                + back.formatVersion()));
              }
            });
  }
}
