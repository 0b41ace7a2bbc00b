package computectl.spec;

import java.util.List;

/**
 * compute_ctl's own configuration from the control plane: the JWKS for HTTP auth and optional TLS.
 */
public record ComputeCtlConfig(List<Jwk> jwks, TlsConfig tls) {
  public static final ComputeCtlConfig DEFAULT = new ComputeCtlConfig(List.of(), null);

  public ComputeCtlConfig {
    jwks = List.copyOf(jwks);
  }
}
