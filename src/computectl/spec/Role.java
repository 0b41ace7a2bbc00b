package computectl.spec;

import java.util.List;

/**
 * A role. {@code encryptedPassword} is a bare md5 hex digest (compute_ctl adds the {@code md5}
 * prefix), a {@code SCRAM-SHA-256$...} verifier, or null.
 */
public record Role(String name, String encryptedPassword, List<GenericOption> options) {
  public Role {
    options = options == null ? null : List.copyOf(options);
  }
}
