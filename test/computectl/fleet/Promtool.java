package computectl.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs promtool (Debian package prometheus) for the tests; they skip when it is not installed. */
final class Promtool {
  static final Path BINARY = Path.of("/usr/bin/promtool");
  static final String MISSING =
      "skipped: no " + BINARY + " (install the Debian package prometheus, as .ci/run does)";

  record Result(int exitCode, String output) {}

  private Promtool() {}

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  static Result run(Path workDir, String... args) {
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
