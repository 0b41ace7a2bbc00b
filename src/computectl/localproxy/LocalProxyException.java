package computectl.localproxy;

import computectl.util.ComputeCtlException;

/** local_proxy could not be configured or notified; the message says which. */
public class LocalProxyException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public LocalProxyException(String message) {
    super(message);
  }

  public LocalProxyException(String message, Throwable cause) {
    super(message, cause);
  }
}
