package computectl.http;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.compute.ComputeSnapshot;
import computectl.util.UtcTime;
import java.time.Instant;

/**
 * ComputeStatusResponse (behaviour.md 9.5): keys in upstream's order, {@code start_time} with
 * {@code Z} and {@code last_active} with {@code +00:00} (upstream uses two formatters), both with
 * 0, 3, 6 or 9 fraction digits as needed.
 */
public final class StatusJson {
  private StatusJson() {}

  public static String of(ComputeSnapshot s) {
    JsonObject o = new JsonObject();
    o.add("start_time", startTime(s.startTime()));
    o.add("tenant", s.spec() == null ? Json.NULL : Json.value(s.spec().tenantId()));
    o.add("timeline", s.spec() == null ? Json.NULL : Json.value(s.spec().timelineId()));
    o.add("status", s.status().json());
    o.add(
        "last_active", s.lastActive() == null ? Json.NULL : Json.value(lastActive(s.lastActive())));
    o.add("error", nullable(s.error()));
    return o.toString();
  }

  /** {@code 2025-04-01T10:00:00.123456789Z}: ISO_INSTANT's text, without its formatter. */
  public static String startTime(Instant t) {
    return UtcTime.iso(t);
  }

  /** {@code 2025-04-01T10:05:00.123456+00:00}. */
  public static String lastActive(Instant t) {
    String z = UtcTime.iso(t);
    return z.substring(0, z.length() - 1) + "+00:00";
  }

  private static JsonValue nullable(String s) {
    return s == null ? Json.NULL : Json.value(s);
  }
}
