package computectl.spec;

import java.util.List;

/** {@code local_proxy_config} (behaviour.md 3.3); both fields may be null. */
public record LocalProxySpec(List<JwksSettings> jwks, TlsConfig tls) {
  public LocalProxySpec {
    jwks = jwks == null ? null : List.copyOf(jwks);
  }

  /** One JWKS source; roles named here are created without neon_superuser membership. */
  public record JwksSettings(
      String id, List<String> roleNames, String jwksUrl, String providerName, String jwtAudience) {
    public JwksSettings {
      roleNames = List.copyOf(roleNames);
    }
  }

  public boolean isJwksRole(String role) {
    return jwks != null && jwks.stream().anyMatch(j -> j.roleNames().contains(role));
  }
}
