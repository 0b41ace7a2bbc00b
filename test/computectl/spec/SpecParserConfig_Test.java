package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.testsupport.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The wrappers around a spec: the control plane's response, the /configure body, SecurityConfig and
 * its JWKs.
 */
class SpecParserConfig_Test {
  private static final String NO_KEYS = "{\"jwks\": {\"keys\": []}}";
  private static final String X = "MCowBQYDK2VwAyEAbmV0d29ya3M";

  private static String keys(String... keys) {
    return "{\"jwks\": {\"keys\": [" + String.join(", ", keys) + "]}}";
  }

  private static void assertShape(String message, Executable parse) {
    SpecException e = assertThrows(SpecException.class, parse);
    assertEquals(message, e.getMessage());
    assertEquals(SpecException.Kind.SHAPE, e.kind());
  }

  @Test
  void parseComputeCtlConfig_readsAnEmptyKeySetAsTheDefault() {
    assertEquals(SecurityConfig.DEFAULT, SecurityConfigJson.parse(NO_KEYS));
    assertEquals(
        SecurityConfig.DEFAULT,
        SecurityConfigJson.parse("{\"jwks\": {\"keys\": []}, \"tls\": null}"));
  }

  @Test
  void parseComputeCtlConfig_readsTlsPaths() {
    SecurityConfig c =
        SecurityConfigJson.parse(
            "{\"jwks\": {\"keys\": []}, \"tls\": {\"key_path\": \"/tls/key.pem\", \"cert_path\":"
                + " \"/tls/cert.pem\"}}");
    assertEquals(new TlsConfig("/tls/key.pem", "/tls/cert.pem"), c.tls());
  }

  @Test
  void parseComputeCtlConfig_readsAnEd25519KeyWithCommonMembers() {
    SecurityConfig c =
        SecurityConfigJson.parse(
            keys(
                "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \""
                    + X
                    + "\", \"kid\": \"key-1\", \"alg\": \"EdDSA\", \"use\": \"sig\", \"key_ops\":"
                    + " [\"verify\", \"custom\"], \"x5c\": [\"abc\"], \"x5t#S256\": \"t\", \"x5u\":"
                    + " null, \"extra\": 1}"));
    assertEquals(List.of(new Jwk("key-1", "OKP", "Ed25519", X, "EdDSA")), c.jwks());
  }

  @Test
  void parseComputeCtlConfig_keepsKeysOfEveryTypeInOrder() {
    SecurityConfig c =
        SecurityConfigJson.parse(
            keys(
                "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"" + X + "\"}",
                "{\"kty\": \"RSA\", \"n\": \"0vx7\", \"e\": \"AQAB\", \"alg\": \"RS256\", \"kid\":"
                    + " \"r\"}",
                "{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"ex\", \"y\": \"why\", \"alg\":"
                    + " \"ES256\"}",
                "{\"kty\": \"oct\", \"k\": \"secret\", \"alg\": \"HS256\"}"));
    assertEquals(
        List.of(
            new Jwk(null, "OKP", "Ed25519", X, null),
            new Jwk("r", "RSA", null, null, "RS256"),
            new Jwk(null, "EC", "P-256", "ex", "ES256"),
            new Jwk(null, "oct", null, null, "HS256")),
        c.jwks());
  }

  @Test
  void parseComputeCtlConfig_refusesAnUnknownAlgorithm() {
    assertShape(
        "jwks.keys[1].alg: unknown variant \"ES512\", expected one of \"HS256\", \"HS384\","
            + " \"HS512\", \"ES256\", \"ES384\", \"RS256\", \"RS384\", \"RS512\", \"PS256\","
            + " \"PS384\", \"PS512\", \"EdDSA\", \"RSA1_5\", \"RSA-OAEP\", \"RSA-OAEP-256\"",
        () ->
            SecurityConfigJson.parse(
                keys(
                    "{\"kty\": \"oct\", \"k\": \"s\"}",
                    "{\"kty\": \"EC\", \"crv\": \"P-521\", \"x\": \"a\", \"y\": \"b\", \"alg\":"
                        + " \"ES512\"}")));
  }

  @Test
  void parseComputeCtlConfig_refusesBadKeyParameters() {
    assertShape(
        "jwks.keys[0].kty: unknown key type \"XYZ\", expected one of \"EC\", \"RSA\", \"oct\","
            + " \"OKP\"",
        () -> SecurityConfigJson.parse(keys("{\"kty\": \"XYZ\"}")));
    assertShape(
        "jwks.keys[0]: missing field \"kty\"",
        () -> SecurityConfigJson.parse(keys("{\"crv\": \"Ed25519\", \"x\": \"a\"}")));
    assertShape(
        "jwks.keys[0]: missing field \"x\"",
        () -> SecurityConfigJson.parse(keys("{\"kty\": \"OKP\", \"crv\": \"Ed25519\"}")));
    assertShape(
        "jwks.keys[0]: missing field \"y\"",
        () ->
            SecurityConfigJson.parse(keys("{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"a\"}")));
    assertShape(
        "jwks.keys[0]: missing field \"e\"",
        () -> SecurityConfigJson.parse(keys("{\"kty\": \"RSA\", \"n\": \"a\"}")));
    assertShape(
        "jwks.keys[0]: missing field \"k\"",
        () -> SecurityConfigJson.parse(keys("{\"kty\": \"oct\"}")));
    assertShape(
        "jwks.keys[0].crv: unknown variant \"X25519\", expected one of \"P-256\", \"P-384\","
            + " \"P-521\", \"Ed25519\"",
        () ->
            SecurityConfigJson.parse(
                keys("{\"kty\": \"OKP\", \"crv\": \"X25519\", \"x\": \"a\"}")));
    assertShape(
        "jwks.keys[0].kid: expected a string, got 7",
        () ->
            SecurityConfigJson.parse(
                keys("{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"a\", \"kid\": 7}")));
    assertShape(
        "jwks.keys[0].key_ops[0]: expected a string, got 1",
        () -> SecurityConfigJson.parse(keys("{\"kty\": \"oct\", \"k\": \"s\", \"key_ops\": [1]}")));
  }

  @Test
  void parseComputeCtlConfig_requiresTheKeySet() {
    assertShape(".: missing field \"jwks\"", () -> SecurityConfigJson.parse("{\"tls\": null}"));
    assertShape("jwks: missing field \"keys\"", () -> SecurityConfigJson.parse("{\"jwks\": {}}"));
    assertShape(
        "jwks.keys: expected an array, got null",
        () -> SecurityConfigJson.parse("{\"jwks\": {\"keys\": null}}"));
    assertShape(
        "tls: missing field \"key_path\"",
        () ->
            SecurityConfigJson.parse(
                "{\"jwks\": {\"keys\": []}, \"tls\": {\"cert_path\": \"/c\"}}"));
  }

  @Test
  void parseControlPlaneResponse_readsEmptyWithoutSpec() {
    ControlPlaneSpecResponse r =
        SpecParser.parseControlPlaneResponse(
            "{\"status\": \"empty\", \"compute_ctl_config\": "
                + NO_KEYS
                + ", \"timestamp\": \"2025-04-01T00:00:00Z\"}");
    assertEquals(
        new ControlPlaneSpecResponse(
            null, ControlPlaneSpecResponse.Status.EMPTY, SecurityConfig.DEFAULT),
        r);
    assertNull(
        SpecParser.parseControlPlaneResponse(
                "{\"spec\": null, \"status\": \"attached\", \"compute_ctl_config\": "
                    + NO_KEYS
                    + "}")
            .spec());
  }

  @Test
  void parseControlPlaneResponse_readsAttachedWithSpecAndKeys() {
    String spec = Fixtures.read(SpecParser_Test.API_SPEC);
    ControlPlaneSpecResponse r =
        SpecParser.parseControlPlaneResponse(
            "{\"spec\": "
                + spec
                + ", \"status\": \"attached\","
                + " \"compute_ctl_config\": "
                + keys(
                    "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \""
                        + X
                        + "\", \"kid\": \"k\"}")
                + "}");
    assertEquals(ControlPlaneSpecResponse.Status.ATTACHED, r.status());
    assertEquals(SpecParser.parseSpec(spec), r.spec());
    assertEquals(List.of(new Jwk("k", "OKP", "Ed25519", X, null)), r.computeCtlConfig().jwks());
  }

  @Test
  void parseControlPlaneResponse_refusesWrongShapes() {
    assertShape(
        ".: missing field \"compute_ctl_config\"",
        () -> SpecParser.parseControlPlaneResponse("{\"status\": \"empty\"}"));
    assertShape(
        ".: missing field \"status\"",
        () -> SpecParser.parseControlPlaneResponse("{\"compute_ctl_config\": " + NO_KEYS + "}"));
    assertShape(
        "status: unknown variant \"unknown\", expected one of \"empty\", \"attached\"",
        () ->
            SpecParser.parseControlPlaneResponse(
                "{\"status\": \"unknown\", \"compute_ctl_config\": " + NO_KEYS + "}"));
    assertShape(
        "status: unknown variant \"Attached\", expected one of \"empty\", \"attached\"",
        () ->
            SpecParser.parseControlPlaneResponse(
                "{\"status\": \"Attached\", \"compute_ctl_config\": " + NO_KEYS + "}"));
    assertShape(
        "spec.cluster: missing field \"databases\"",
        () ->
            SpecParser.parseControlPlaneResponse(
                "{\"spec\": {\"format_version\": 1, \"cluster\": {\"roles\": []}}, \"status\":"
                    + " \"attached\", \"compute_ctl_config\": "
                    + NO_KEYS
                    + "}"));
  }

  @Test
  void parseConfigurationRequest_readsSpecAndConfig() {
    String spec = Fixtures.read(SpecParser_Test.API_SPEC);
    ConfigurationRequest r =
        SpecParser.parseConfigurationRequest(
            "{\"spec\": " + spec + ", \"compute_ctl_config\": " + NO_KEYS + "}");
    assertEquals(new ConfigurationRequest(SpecParser.parseSpec(spec), SecurityConfig.DEFAULT), r);
  }

  @Test
  void parseConfigurationRequest_requiresBothKeys() {
    String spec = SpecParser_Test.MINIMAL;
    assertShape(
        ".: missing field \"compute_ctl_config\"",
        () -> SpecParser.parseConfigurationRequest("{\"spec\": " + spec + "}"));
    assertShape(
        ".: missing field \"spec\"",
        () -> SpecParser.parseConfigurationRequest("{\"compute_ctl_config\": " + NO_KEYS + "}"));
    assertShape(
        "spec: expected an object, got null",
        () ->
            SpecParser.parseConfigurationRequest(
                "{\"spec\": null, \"compute_ctl_config\": " + NO_KEYS + "}"));
    assertShape(
        "spec.cluster.roles[0].name: expected a string, got 17",
        () ->
            SpecParser.parseConfigurationRequest(
                "{\"spec\": {\"format_version\": 1, \"cluster\": {\"roles\": [{\"name\": 17}],"
                    + " \"databases\": []}}, \"compute_ctl_config\": "
                    + NO_KEYS
                    + "}"));
  }

  @Test
  void parseConfigurationRequest_reportsMalformedJsonAsSyntax() {
    SpecException e =
        assertThrows(
            SpecException.class, () -> SpecParser.parseConfigurationRequest("{\"spec\": {"));
    assertEquals(SpecException.Kind.SYNTAX, e.kind());
    assertEquals("unexpected end of input at line 1 column 11", e.getMessage());
  }
}
