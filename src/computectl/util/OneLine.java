package computectl.util;

/**
 * Text from outside (role and database names, tar entry names, values from a spec) as it may appear
 * in a log line or message: newlines and other control characters printed raw would forge extra log
 * lines, so they are escaped ({@code \n}, {@code \r}, {@code \t}, else {@code \\uXXXX}).
 */
public final class OneLine {
  private OneLine() {}

  /** {@code s} escaped; "null" for null. */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isISOControl(c)) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb == null ? s : sb.toString();
  }
}
