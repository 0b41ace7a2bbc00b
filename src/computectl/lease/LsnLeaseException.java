package computectl.lease;

import computectl.util.ComputeCtlException;

/** One lease attempt failed (bad answer, bad connection string); the renewer retries. */
public class LsnLeaseException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public LsnLeaseException(String message) {
    super(message);
  }

  public LsnLeaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
