package computectl.postgres;

import computectl.util.ComputeCtlException;

/** A failure preparing PGDATA, writing configuration, or running a Postgres binary. */
public class PgException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public PgException(String message) {
    super(message);
  }

  public PgException(String message, Throwable cause) {
    super(message, cause);
  }
}
