package computectl.util;

/**
 * The exit codes of compute_ctl and its offline tools. A compute whose Postgres exited on its own
 * exits with Postgres's code instead, which can be any number.
 */
public enum ExitCode {
  /** Done; {@code plan}: nothing would change; {@code check-spec}: the spec is usable. */
  OK(0),
  /**
   * The compute failed or was told to stop; {@code plan}: changes were found; {@code check-spec}:
   * the spec has errors.
   */
  FAILURE(1),
  /**
   * The command could not do its job: a command line that cannot be used (as clap exits), or, for
   * the tools, a file that cannot be read or a server that cannot be reached (as diff exits).
   */
  CANNOT_RUN(2);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
