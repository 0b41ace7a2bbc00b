package computectl.spec;

import java.util.List;

/**
 * Converts JSON to SecurityConfig (behaviour.md 3.5) and the two wrappers that carry a spec: the
 * control plane's response and the {@code /configure} body.
 */
final class ConfigReader {
  /** Key algorithms known to upstream's JWT library; any other {@code alg} fails the document. */
  static final List<String> KEY_ALGORITHMS =
      List.of(
          "HS256",
          "HS384",
          "HS512",
          "ES256",
          "ES384",
          "RS256",
          "RS384",
          "RS512",
          "PS256",
          "PS384",
          "PS512",
          "EdDSA",
          "RSA1_5",
          "RSA-OAEP",
          "RSA-OAEP-256");

  static final List<String> CURVES = List.of("P-256", "P-384", "P-521", "Ed25519");
  static final List<String> KEY_TYPES = List.of("EC", "RSA", "oct", "OKP");
  private static final List<String> CONTROL_PLANE_STATUSES = List.of("empty", "attached");

  private ConfigReader() {}

  static ControlPlaneSpecResponse controlPlaneResponse(JsonNode node) {
    StructFields f = new StructFields(node);
    ComputeSpec spec = f.optional("spec", ComputeSpecReader::computeSpec);
    String status = f.required("status", n -> n.variant(CONTROL_PLANE_STATUSES));
    SecurityConfig config = f.required("compute_ctl_config", ConfigReader::computeCtlConfig);
    f.finish();
    return new ControlPlaneSpecResponse(
        spec,
        status.equals("empty")
            ? ControlPlaneSpecResponse.Status.EMPTY
            : ControlPlaneSpecResponse.Status.ATTACHED,
        config);
  }

  static ConfigurationRequest configurationRequest(JsonNode node) {
    StructFields f = new StructFields(node);
    ComputeSpec spec = f.required("spec", ComputeSpecReader::computeSpec);
    SecurityConfig config = f.required("compute_ctl_config", ConfigReader::computeCtlConfig);
    f.finish();
    return new ConfigurationRequest(spec, config);
  }

  static SecurityConfig computeCtlConfig(JsonNode node) {
    StructFields f = new StructFields(node);
    List<Jwk> jwks = f.required("jwks", ConfigReader::jwkSet);
    TlsConfig tls = f.optional("tls", ConfigReader::tls);
    f.finish();
    return new SecurityConfig(jwks, tls);
  }

  static List<Jwk> jwkSet(JsonNode node) {
    StructFields f = new StructFields(node);
    List<Jwk> keys = f.required("keys", n -> n.list(ConfigReader::jwk));
    f.finish();
    return keys;
  }

  /**
   * One key: the common JWK members (all optional, checked for type) and the parameters of its
   * {@code kty}. Only what verification needs is kept.
   */
  static Jwk jwk(JsonNode node) {
    StructFields f = new StructFields(node);
    f.optional("use", JsonNode.STRING);
    f.optional("key_ops", JsonNode.STRING_LIST);
    String alg = f.optional("alg", n -> n.variant(KEY_ALGORITHMS));
    String kid = f.optional("kid", JsonNode.STRING);
    f.optional("x5u", JsonNode.STRING);
    f.optional("x5c", JsonNode.STRING_LIST);
    f.optional("x5t", JsonNode.STRING);
    f.optional("x5t#S256", JsonNode.STRING);
    String kty = f.required("kty", JsonNode.STRING);
    f.finish();
    if (!KEY_TYPES.contains(kty)) {
      throw node.child("kty", null)
          .error(
              "unknown key type " + JsonText.name(kty) + ", expected " + JsonText.oneOf(KEY_TYPES));
    }
    return keyParameters(node, kty, kid, alg);
  }

  private static Jwk keyParameters(JsonNode node, String kty, String kid, String alg) {
    StructFields f = new StructFields(node);
    String crv = null;
    String x = null;
    switch (kty) {
      case "EC" -> {
        crv = f.required("crv", n -> n.variant(CURVES));
        x = f.required("x", JsonNode.STRING);
        f.required("y", JsonNode.STRING);
      }
      case "OKP" -> {
        crv = f.required("crv", n -> n.variant(CURVES));
        x = f.required("x", JsonNode.STRING);
      }
      case "RSA" -> {
        f.required("n", JsonNode.STRING);
        f.required("e", JsonNode.STRING);
      }
      default -> f.required("k", JsonNode.STRING);
    }
    f.finish();
    return new Jwk(kid, kty, crv, x, alg);
  }

  static TlsConfig tls(JsonNode node) {
    StructFields f = new StructFields(node);
    String keyPath = f.required("key_path", JsonNode.STRING);
    String certPath = f.required("cert_path", JsonNode.STRING);
    f.finish();
    return new TlsConfig(keyPath, certPath);
  }
}
