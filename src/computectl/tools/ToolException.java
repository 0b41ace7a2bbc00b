package computectl.tools;

import computectl.util.ComputeCtlException;

/**
 * An offline tool could not do its job. The message names what was wrong (a file, a flag, a
 * connection). {@link #usage()} errors are mistakes on the command line and also print the tool's
 * synopsis.
 */
public final class ToolException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  private final boolean usage;

  public ToolException(String message) {
    this(message, null, false);
  }

  public ToolException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ToolException(String message, Throwable cause, boolean usage) {
    super(message, cause);
    this.usage = usage;
  }

  static ToolException usage(String message) {
    return new ToolException(message, null, true);
  }

  public boolean usage() {
    return usage;
  }
}
