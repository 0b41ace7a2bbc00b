package computectl.compute;

import computectl.util.ComputeCtlException;

/** A status change the state machine does not allow. */
public final class InvalidTransitionException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public InvalidTransitionException(ComputeStatus from, ComputeStatus to) {
    super("invalid compute status transition from " + from + " to " + to);
  }
}
