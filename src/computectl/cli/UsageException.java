package computectl.cli;

import computectl.util.ComputeCtlException;

/**
 * A command line that cannot be used; the message is one line naming the flag. Exit code 2, as
 * clap's usage errors.
 */
public final class UsageException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;
  public static final int EXIT_CODE = 2;

  public UsageException(String message) {
    super(message);
  }

  public int exitCode() {
    return EXIT_CODE;
  }
}
