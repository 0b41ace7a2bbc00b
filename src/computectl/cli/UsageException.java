package computectl.cli;

import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;

/**
 * A command line that cannot be used; the message is one line naming the flag. Exits with {@link
 * ExitCode#CANNOT_RUN}, as clap's usage errors.
 */
public final class UsageException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public int exitCode() {
    return ExitCode.CANNOT_RUN.code();
  }
}
