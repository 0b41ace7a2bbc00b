package computectl.pgbouncer;

import computectl.util.ComputeCtlException;

/** pgbouncer could not be tuned: its ini file or its admin console; the message says which. */
public class PgbouncerException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public PgbouncerException(String message) {
    super(message);
  }

  public PgbouncerException(String message, Throwable cause) {
    super(message, cause);
  }
}
