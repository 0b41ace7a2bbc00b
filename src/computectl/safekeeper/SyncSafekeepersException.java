package computectl.safekeeper;

import computectl.util.ComputeCtlException;

/** {@code postgres --sync-safekeepers} could not run, failed, hung, or printed no LSN. */
public class SyncSafekeepersException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public SyncSafekeepersException(String message) {
    super(message);
  }

  public SyncSafekeepersException(String message, Throwable cause) {
    super(message, cause);
  }
}
