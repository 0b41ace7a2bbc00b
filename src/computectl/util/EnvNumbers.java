package computectl.util;

import java.time.Duration;
import java.util.Map;

/** Positive whole numbers from environment variables: our limits, deadlines and test overrides. */
public final class EnvNumbers {
  private EnvNumbers() {}

  /**
   * The value of {@code name} in {@code env}, or {@code otherwise} when it is not set.
   *
   * @throws ComputeCtlException naming the variable when its value is not a positive whole number
   */
  public static long positive(Map<String, String> env, String name, long otherwise) {
    String s = env.get(name);
    if (s == null) {
      return otherwise;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ComputeCtlException(name + " must be a positive whole number, got '" + s + "'");
  }

  /** As {@link #positive}, for a variable that holds seconds. */
  public static Duration seconds(Map<String, String> env, String name, Duration otherwise) {
    return Duration.ofSeconds(positive(env, name, otherwise.toSeconds()));
  }
}
