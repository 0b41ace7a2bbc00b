package computectl.testsupport;

import computectl.util.RunAs;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to its end and keeps its stdout (the result) apart from its stderr (warnings), so
 * that a warning line never breaks a comparison. Output goes to files, not pipes: the timeout holds
 * even when a child of the program keeps them open.
 */
public final class Command {
  /** What a finished program left. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** For failure messages. */
    public String describe() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  private Command() {}

  /** Runs {@code cmd} as the Postgres user (when we are root); fails after {@code timeout}. */
  public static Result asPostgres(List<String> cmd, Duration timeout) throws IOException {
    return run(RunAs.command(TestPg.user(), cmd), timeout);
  }

  /** Runs {@code cmd} with no input; fails after {@code timeout}. */
  public static Result run(List<String> cmd, Duration timeout) throws IOException {
    Path out = Files.createTempFile("computectl-cmd-", ".out");
    Path err = Files.createTempFile("computectl-cmd-", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
