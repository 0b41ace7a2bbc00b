package computectl.tar;

import computectl.util.ComputeCtlException;

/** A tar archive that is malformed, truncated, or asks for something the extractor refuses. */
public class TarException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public TarException(String message) {
    super(message);
  }

  public TarException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code tar entry <path>: <reason>}, with control characters of a hostile path made visible. */
  public static TarException entry(String path, String reason) {
    return new TarException("tar entry " + printable(path) + ": " + reason);
  }

  public static TarException entry(String path, String reason, Throwable cause) {
    return new TarException("tar entry " + printable(path) + ": " + reason, cause);
  }

  /** Longest part of a path quoted in a message; hostile paths can be a megabyte long. */
  static final int MAX_SHOWN = 300;

  /**
   * The text with control characters escaped, so one error stays on one log line, and cut after
   * {@value #MAX_SHOWN} characters.
   */
  public static String printable(String text) {
    String s = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
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
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb == null ? s : sb.toString();
  }
}
