package computectl.http;

import computectl.util.ComputeCtlException;

/**
 * A server-level failure, e.g. a port that cannot be bound: compute_ctl cannot run without its API.
 */
public final class HttpException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public HttpException(String message) {
    super(message);
  }

  public HttpException(String message, Throwable cause) {
    super(message, cause);
  }
}
