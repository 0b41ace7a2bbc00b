package computectl.compute;

import computectl.util.ComputeCtlException;

/** A step of the compute start failed; the message says which. */
public final class StartupException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
