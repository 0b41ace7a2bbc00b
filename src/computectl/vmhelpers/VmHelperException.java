package computectl.vmhelpers;

import computectl.util.ComputeCtlException;

/** A NeonVM helper command (swap resize, disk quota) could not be run or failed. */
public class VmHelperException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public VmHelperException(String message) {
    super(message);
  }

  public VmHelperException(String message, Throwable cause) {
    super(message, cause);
  }
}
