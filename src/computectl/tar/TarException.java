package computectl.tar;

import computectl.util.ComputeCtlException;
import computectl.util.OneLine;

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
    return OneLine.escape(text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text);
  }
}
