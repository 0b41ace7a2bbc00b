package computectl.spec;

import com.eclipsesource.json.Json;
import java.util.List;
import java.util.stream.Collectors;

/** Small helpers for writing JSON text inside messages. */
final class JsonText {
  private JsonText() {}

  /** {@code s} as a JSON string literal, escapes included. */
  static String quote(String s) {
    return Json.value(s).toString();
  }

  /** {@code one of "A", "B", "C"}, or just {@code "A"} for a single choice. */
  static String oneOf(List<String> choices) {
    String quoted = choices.stream().map(JsonText::quote).collect(Collectors.joining(", "));
    return choices.size() == 1 ? quoted : "one of " + quoted;
  }
}
