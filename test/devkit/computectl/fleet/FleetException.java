package computectl.fleet;

import computectl.util.ComputeCtlException;

/**
 * A fleet demo problem: a compute, the control plane stand-in or Prometheus did not do what was
 * asked.
 */
public class FleetException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public FleetException(String message) {
    super(message);
  }

  public FleetException(String message, Throwable cause) {
    super(message, cause);
  }
}
