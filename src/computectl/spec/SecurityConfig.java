package computectl.spec;

import java.util.List;

/**
 * compute_ctl's own configuration from the control plane: the JWKS for HTTP auth and optional TLS.
 */
public record SecurityConfig(List<Jwk> jwks, TlsConfig tls) {
  public static final SecurityConfig DEFAULT = new SecurityConfig(List.of(), null);

  public SecurityConfig {
    jwks = List.copyOf(jwks);
  }
}
