package computectl.pageserver;

import computectl.util.ComputeCtlException;

/**
 * Getting or unpacking the basebackup failed; the message names the LSN, the pageserver and the
 * cause.
 */
public class BasebackupException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public BasebackupException(String message) {
    super(message);
  }

  public BasebackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
