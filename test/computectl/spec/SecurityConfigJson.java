package computectl.spec;

/**
 * Parses a compute_ctl_config object alone ({@code {"jwks": {"keys": [...]}, "tls": ...}}), as the
 * spec parser reads it inside the control plane's response and a /configure body.
 */
public final class SecurityConfigJson {
  private SecurityConfigJson() {}

  public static SecurityConfig parse(String json) {
    return ConfigReader.computeCtlConfig(JsonNode.root(SpecParser.parseJson(json)));
  }
}
