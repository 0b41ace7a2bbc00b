package computectl.pgwire;

import computectl.util.ComputeCtlException;

/** A connection string that cannot be parsed or used; the message names what is wrong. */
public class ConnInfoException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public ConnInfoException(String message) {
    super(message);
  }
}
