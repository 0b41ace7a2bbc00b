package computectl.vmmonitor;

import computectl.util.ComputeCtlException;

/** A vm-monitor failure; the message names what was wrong (an address, a cgroup file, SQL). */
public class VmMonitorException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public VmMonitorException(String message) {
    super(message);
  }

  public VmMonitorException(String message, Throwable cause) {
    super(message, cause);
  }
}
