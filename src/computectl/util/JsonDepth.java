package computectl.util;

/**
 * Nesting depth of JSON text, checked before parsing untrusted input. The JSON library recurses
 * once per level and accepts 1000 levels, which overflows a 512 KiB thread stack (the launcher's)
 * before its own limit is reached; serde_json, upstream's parser, stops at 128.
 */
public final class JsonDepth {
  /** serde_json's recursion limit, which upstream's parsers have. */
  public static final int MAX = 128;

  /** Where the text first nests deeper than allowed: 1-based line and column. */
  public record Position(int line, int column) {}

  private JsonDepth() {}

  /** Where the first array or object opens deeper than {@code max}, or null when none does. */
  public static Position tooDeep(String text, int max) {
    int depth = 0;
    int line = 1;
    int lineStart = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > max) {
          return new Position(line, i - lineStart + 1);
        }
      } else if (c == ']' || c == '}') {
        depth--;
      } else if (c == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return null;
  }
}
