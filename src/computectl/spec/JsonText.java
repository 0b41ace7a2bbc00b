package computectl.spec;

import com.eclipsesource.json.Json;
import java.util.List;
import java.util.stream.Collectors;

/** Small helpers for writing JSON text inside messages. */
final class JsonText {
  static final int MAX_SHOWN = 64;

  private JsonText() {}

  /** {@code s} as a JSON string literal, escapes included. */
  static String quote(String s) {
    return Json.value(s).toString();
  }

  /**
   * Like {@link #quote} but cut after {@value #MAX_SHOWN} characters, for echoing input in
   * messages: an error must stay readable whatever the document holds.
   */
  static String quoteShort(String s) {
    return s.length() <= MAX_SHOWN ? quote(s) : quote(s.substring(0, MAX_SHOWN)) + "...";
  }

  /** A member name as a path segment, cut like {@link #quoteShort}. */
  static String pathSegment(String name) {
    return name.length() <= MAX_SHOWN ? name : name.substring(0, MAX_SHOWN) + "...";
  }

  /**
   * A member or variant name in an error message, in backticks as upstream's serde writes names
   * ({@code missing field `roles`}); escaped like JSON inside and cut like {@link #quoteShort}.
   */
  static String name(String s) {
    boolean cut = s.length() > MAX_SHOWN;
    String q = quote(cut ? s.substring(0, MAX_SHOWN) : s);
    return "`" + q.substring(1, q.length() - 1) + "`" + (cut ? "..." : "");
  }

  /** {@code one of `A`, `B`, `C`}, or just {@code `A`} for a single choice (serde's wording). */
  static String oneOf(List<String> choices) {
    String names = choices.stream().map(JsonText::name).collect(Collectors.joining(", "));
    return choices.size() == 1 ? names : "one of " + names;
  }
}
