package computectl.postgres;

/**
 * How a child process ended. The JDK reports a death by signal N as exit value 128 + N, the same
 * number a shell gives; Postgres itself never exits with such codes, so we read them as signals.
 */
public record ExitStatus(Integer code, Integer signal) {
  private static final String[] NAMES = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  /** From {@link Process#exitValue()}. */
  public static ExitStatus of(int exitValue) {
    if (exitValue > 128 && exitValue <= 128 + 64) {
      return new ExitStatus(null, exitValue - 128);
    }
    return new ExitStatus(exitValue, null);
  }

  public boolean success() {
    return code != null && code == 0;
  }

  /** The code upstream reports in "exited unexpectedly with code": -1 for a signal. */
  public int codeOrMinusOne() {
    return code == null ? -1 : code;
  }

  /**
   * As upstream (Rust) prints an exit status: {@code exit status: 1} or {@code signal: 9
   * (SIGKILL)}.
   */
  @Override
  public String toString() {
    if (code != null) {
      return "exit status: " + code;
    }
    String name = signal < NAMES.length ? NAMES[signal] : null;
    return "signal: " + signal + (name == null ? "" : " (" + name + ")");
  }
}
