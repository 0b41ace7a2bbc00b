package computectl.extension;

import computectl.util.ComputeCtlException;

/**
 * A remote extension could not be resolved, fetched or installed; the message says which and why.
 */
public class ExtensionException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public ExtensionException(String message) {
    super(message);
  }

  public ExtensionException(String message, Throwable cause) {
    super(message, cause);
  }
}
