package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecJson_Test {
  @Test
  void role_writesUpstreamFieldOrderWithNulls() {
    assertEquals(
        "{\"name\":\"postgres\",\"encrypted_password\":\"6b1d16b78004bbd51fa06af9eda75972\",\"options\":null}",
        SpecJson.role(new Role("postgres", "6b1d16b78004bbd51fa06af9eda75972", null)).toString());
    assertEquals(
        "{\"name\":\"zenith"
            + " \\\"new\\\"\",\"encrypted_password\":null,\"options\":[{\"name\":\"LOGIN\",\"value\":null,"
            + "\"vartype\":\"bool\"}]}",
        SpecJson.role(
                new Role("zenith \"new\"", null, List.of(new GenericOption("LOGIN", null, "bool"))))
            .toString());
  }

  @Test
  void database_alwaysWritesTheDerivedFlags() {
    assertEquals(
        "{\"name\":\"DB2\",\"owner\":\"alexk\",\"options\":[{\"name\":\"LC_COLLATE\",\"value\":\"C\",\"vartype\":\"string\"}],"
            + "\"restrict_conn\":false,\"invalid\":false}",
        SpecJson.database(
                new Database(
                    "DB2",
                    "alexk",
                    List.of(new GenericOption("LC_COLLATE", "C", "string")),
                    false,
                    false))
            .toString());
    assertEquals(
        "{\"name\":\"d\",\"owner\":\"o\",\"options\":null,\"restrict_conn\":true,\"invalid\":true}",
        SpecJson.database(new Database("d", "o", null, true, true)).toString());
  }

  @Test
  void computeSpec_writesEveryFieldInUpstreamOrder() {
    assertEquals(
        "{\"format_version\":1.0,\"operation_uuid\":null,\"features\":[],\"swap_size_bytes\":null,"
            + "\"disk_quota_bytes\":null,\"disable_lfc_resizing\":null,\"cluster\":{\"cluster_id\":null,\"name\":null,\"state\":null,"
            + "\"roles\":[],\"databases\":[],\"postgresql_conf\":null,\"settings\":null},\"delta_operations\":null,"
            + "\"skip_pg_catalog_updates\":false,\"tenant_id\":null,\"timeline_id\":null,\"pageserver_connstring\":null,"
            + "\"safekeepers_generation\":null,\"safekeeper_connstrings\":[],\"mode\":\"Primary\",\"storage_auth_token\":null,"
            + "\"remote_extensions\":null,\"pgbouncer_settings\":null,\"shard_stripe_size\":null,\"local_proxy_config\":null,"
            + "\"reconfigure_concurrency\":1,\"drop_subscriptions_before_start\":false,\"audit_log_level\":\"Disabled\"}",
        SpecJson.toJson(SpecParser.parseSpec(SpecParser_Test.MINIMAL)));
  }

  @Test
  void computeSpec_roundTripsBothFixtures() {
    for (String name : List.of(SpecParser_Test.API_SPEC, SpecParser_Test.TOOLS_SPEC)) {
      ComputeSpec spec = SpecParser_Test.fixture(name);
      assertEquals(spec, SpecParser.parseSpec(SpecJson.toJson(spec)));
    }
  }

  @Test
  void computeSpec_roundTripsEveryOptionalField() {
    String doc =
        "{\"format_version\": 2.5, \"features\": [\"postgres_logs_export\", \"whatever\"],"
            + " \"swap_size_bytes\": 1, \"disk_quota_bytes\": 2, \"disable_lfc_resizing\": false,"
            + " \"tenant_id\": \"b0554b632bd4d547a63b86c3630317e8\", \"safekeepers_generation\": 3,"
            + " \"mode\": {\"Static\": \"0/16B5BA8\"}, \"shard_stripe_size\": 4,"
            + " \"local_proxy_config\": {\"jwks\": [{\"id\": \"j\", \"role_names\": [\"a\"],"
            + " \"jwks_url\": \"u\", \"provider_name\": \"p\", \"jwt_audience\": \"aud\"}]},"
            + " \"audit_log_level\": \"Log\", \"cluster\": {\"roles\": [], \"databases\": []}}";
    ComputeSpec spec = SpecParser.parseSpec(doc);
    String json = SpecJson.toJson(spec);
    assertEquals(spec, SpecParser.parseSpec(json));
  }

  @Test
  void mode_writesTheExternallyTaggedForm() {
    assertEquals("\"Primary\"", SpecJson.mode(ComputeMode.PRIMARY).toString());
    assertEquals("\"Replica\"", SpecJson.mode(ComputeMode.REPLICA).toString());
    assertEquals(
        "{\"Static\":\"0/16B5BA8\"}",
        SpecJson.mode(ComputeMode.staticAt(Lsn.parse("0/16b5ba8"))).toString());
  }

  @Test
  void localProxy_omitsAbsentMembers() {
    assertEquals("{}", SpecJson.localProxy(new LocalProxySpec(null, null)).toString());
    assertEquals(
        "{\"tls\":{\"key_path\":\"/k\",\"cert_path\":\"/c\"}}",
        SpecJson.localProxy(new LocalProxySpec(null, new TlsConfig("/k", "/c"))).toString());
  }

  @Test
  void f32_writesFloatsAsUpstreamDoes() {
    assertEquals("1.0", SpecJson.f32(1).toString());
    assertEquals("1.5", SpecJson.f32(1.5).toString());
    assertEquals("1.1", SpecJson.f32(1.1).toString());
    assertEquals("-3.0", SpecJson.f32(-3).toString());
    assertEquals("1e20", SpecJson.f32(1e20).toString());
  }
}
