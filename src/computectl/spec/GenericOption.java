package computectl.spec;

import java.util.List;
import java.util.Optional;

/**
 * A named option with a value (null allowed) and a free-text vartype; {@code string} values get
 * quoted.
 */
public record GenericOption(String name, String value, String vartype) {

  public boolean isString() {
    return "string".equals(vartype);
  }

  /** Upstream's {@code find}: the first entry with that name; a null value counts as absent. */
  public static Optional<String> find(List<GenericOption> options, String name) {
    if (options == null) {
      return Optional.empty();
    }
    for (GenericOption o : options) {
      if (o.name().equals(name)) {
        return Optional.ofNullable(o.value());
      }
    }
    return Optional.empty();
  }
}
