package computectl.audit;

import computectl.util.ComputeCtlException;

/** Audit logging or log export could not be set up; the message says what was missing or failed. */
public class AuditException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
