package computectl.vmmonitor;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import computectl.util.JsonDepth;
import java.util.OptionalInt;

/**
 * An inclusive range of protocol versions, as the agent opens every connection with ({@code
 * {"min":1,"max":1}}). Versions are unsigned 8-bit numbers; 1 means v1.0.
 */
public record VersionRange(int min, int max) {
  /** The only version this monitor speaks. */
  public static final int V1_0 = 1;

  public static final VersionRange MONITOR = new VersionRange(V1_0, V1_0);

  /** Parses the agent's first message; the exception text says what was wrong with it. */
  public static VersionRange parse(String text) {
    JsonValue v;
    if (JsonDepth.tooDeep(text, JsonDepth.MAX) != null) {
      throw new VmMonitorException(
          "protocol version range is not valid JSON: recursion limit exceeded");
    }
    try {
      v = Json.parse(text);
    } catch (ParseException e) {
      throw new VmMonitorException("protocol version range is not valid JSON: " + e.getMessage());
    }
    if (!v.isObject()) {
      throw new VmMonitorException(
          "protocol version range must be a JSON object like {\"min\":1,\"max\":1}");
    }
    JsonObject o = v.asObject();
    int min = version(o, "min");
    int max = version(o, "max");
    if (min > max) {
      throw new VmMonitorException(
          "invalid protocol version range: min (" + min + ") is greater than max (" + max + ")");
    }
    return new VersionRange(min, max);
  }

  private static int version(JsonObject o, String key) {
    JsonValue v = o.get(key);
    if (v == null) {
      throw new VmMonitorException("protocol version range has no \"" + key + "\"");
    }
    if (!v.isNumber()
        || !v.toString().matches("0|[1-9][0-9]{0,2}")
        || Integer.parseInt(v.toString()) > 255) {
      throw new VmMonitorException(
          "protocol version range: \"" + key + "\" must be an integer from 0 to 255, not " + v);
    }
    return Integer.parseInt(v.toString());
  }

  /** The highest version in both ranges, if they overlap. */
  public OptionalInt highestShared(VersionRange other) {
    int lo = Math.max(min, other.min);
    int hi = Math.min(max, other.max);
    return lo <= hi ? OptionalInt.of(hi) : OptionalInt.empty();
  }

  /** The reply's error text when the agent's range does not overlap ours. */
  public String mismatchMessage() {
    return "Received protocol version range " + this + " which does not overlap with " + MONITOR;
  }

  /**
   * Upstream's spelling of one version: {@code v1.0}, {@code <invalid: zero>}, {@code <unknown:
   * N>}.
   */
  public static String versionName(int version) {
    if (version == 0) {
      return "<invalid: zero>";
    }
    return version == V1_0 ? "v1.0" : "<unknown: " + version + ">";
  }

  @Override
  public String toString() {
    return min == max ? versionName(min) : versionName(min) + " to " + versionName(max);
  }
}
