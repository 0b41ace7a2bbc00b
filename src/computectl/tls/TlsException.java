package computectl.tls;

import computectl.util.ComputeCtlException;

/**
 * The TLS key or certificate cannot be used. {@link #retryable()} tells a condition that may clear
 * by itself (files not there yet, or caught mid-renewal) from one that never will (an unsupported
 * key type), which upstream would retry forever.
 */
public class TlsException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public TlsException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public TlsException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
