package computectl.pgwire;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of an ErrorResponse or NoticeResponse. {@code severity} prefers the non-localized
 * field (V) over the localized one (S), so that messages read the same whatever lc_messages is.
 */
public record ServerNotice(
    String severity,
    String sqlState,
    String message,
    String detail,
    String hint,
    Map<Character, String> fields) {

  public ServerNotice {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Decodes the body of an 'E' or 'N' message: (code byte, cstring)* terminated by a zero byte. */
  public static ServerNotice parse(byte[] body) {
    Map<Character, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char code = (char) (body[i] & 0xFF);
      int end = i + 1;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      fields.put(code, new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8));
      i = end + 1;
    }
    String severity = fields.getOrDefault('V', fields.getOrDefault('S', "ERROR"));
    return new ServerNotice(
        shown(severity, 32),
        shown(fields.get('C'), 32),
        shown(fields.getOrDefault('M', "(no message)"), MAX_SHOWN),
        shown(fields.get('D'), MAX_SHOWN),
        shown(fields.get('H'), MAX_SHOWN),
        fields);
  }

  /**
   * Longest server text that goes into our messages: the texts end up in logs and in /status, and a
   * server (or whatever answers in its place) can send megabytes.
   */
  static final int MAX_SHOWN = 1024;

  private static String shown(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "...";
  }

  /** The body of an 'E' or 'N' message with these fields (used by stand-in servers). */
  public static byte[] encode(String severity, String sqlState, String message) {
    MessageBuilder b = new MessageBuilder();
    b.byte1('S').cstring(severity);
    b.byte1('V').cstring(severity);
    b.byte1('C').cstring(sqlState);
    b.byte1('M').cstring(message);
    b.byte1(0);
    return b.toBytes();
  }
}
