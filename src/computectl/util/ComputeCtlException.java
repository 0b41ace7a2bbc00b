package computectl.util;

/**
 * Base of every error compute_ctl reports to a user. Its message is the user-facing text; a
 * subclass exists only where a caller handles it differently or it carries data. Boundaries (CLI,
 * HTTP handlers, the startup flow) catch this type; anything else reaching a boundary is a bug and
 * is reported as one.
 */
public class ComputeCtlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ComputeCtlException(String message) {
    super(message);
  }

  public ComputeCtlException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The error chain as upstream prints it ({@code anyhow}'s alternate format): each message, joined
   * by ": ", skipping causes whose text is already contained.
   */
  public static String chain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (sb.indexOf(m) >= 0) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(m);
    }
    return sb.toString();
  }
}
