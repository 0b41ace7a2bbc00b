package computectl.pgwire;

import computectl.util.ComputeCtlException;

/**
 * A failure talking the Postgres v3 protocol: either an ErrorResponse from the server (then {@link
 * #sqlState()} and {@link #severity()} are set) or a transport/protocol problem on our side (then
 * they are null).
 */
public class WireException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  private final String severity;
  private final String sqlState;
  private final String serverMessage;

  public WireException(String message) {
    this(message, null);
  }

  public WireException(String message, Throwable cause) {
    super(message, cause);
    this.severity = null;
    this.sqlState = null;
    this.serverMessage = null;
  }

  private WireException(String text, String severity, String sqlState, String serverMessage) {
    super(text);
    this.severity = severity;
    this.sqlState = sqlState;
    this.serverMessage = serverMessage;
  }

  /**
   * The exception for an ErrorResponse: {@code "<severity>: <message> (SQLSTATE <code>)"} plus
   * detail and hint.
   */
  public static WireException fromServer(ServerNotice notice) {
    StringBuilder sb = new StringBuilder();
    sb.append(notice.severity()).append(": ").append(notice.message());
    if (notice.sqlState() != null) {
      sb.append(" (SQLSTATE ").append(notice.sqlState()).append(')');
    }
    if (notice.detail() != null) {
      sb.append("; DETAIL: ").append(notice.detail());
    }
    if (notice.hint() != null) {
      sb.append("; HINT: ").append(notice.hint());
    }
    return new WireException(sb.toString(), notice.severity(), notice.sqlState(), notice.message());
  }

  /** ERROR, FATAL or PANIC for server errors; null for client-side failures. */
  public String severity() {
    return severity;
  }

  /** The five-character SQLSTATE for server errors; null for client-side failures. */
  public String sqlState() {
    return sqlState;
  }

  /** The server's primary message text alone; null for client-side failures. */
  public String serverMessage() {
    return serverMessage;
  }

  public boolean fromServer() {
    return sqlState != null || severity != null;
  }
}
