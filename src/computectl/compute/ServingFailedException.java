package computectl.compute;

import computectl.util.ComputeCtlException;

/**
 * The HTTP servers could not be bound while the start ran beside them ({@link ServingGate}). Not a
 * failed start: nobody could read its error, so the launcher ends the process with the bind's own
 * error, as when the bind comes first.
 */
public final class ServingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ComputeCtlException bindFailure;

  public ServingFailedException(ComputeCtlException bindFailure) {
    super(bindFailure.getMessage(), bindFailure);
    this.bindFailure = bindFailure;
  }

  public ComputeCtlException bindFailure() {
    return bindFailure;
  }
}
