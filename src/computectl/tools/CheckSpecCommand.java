package computectl.tools;

import computectl.util.ExitCode;
import computectl.util.IoErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code compute_ctl check-spec} (our addition): reads a spec file and prints every problem with
 * its JSON path, one per line ({@code error: cluster.roles[1].name: expected a string, got 17}),
 * then a count. Exit 0 when the spec is usable (warnings allowed), 1 when it has errors.
 */
final class CheckSpecCommand {
  static final List<ToolOptions.Option> OPTIONS =
      List.of(
          new ToolOptions.Option(
              "spec-path",
              'S',
              "PATH",
              "Spec JSON file (a bare ComputeSpec, as for compute_ctl -S) (required)"));

  private CheckSpecCommand() {}

  static String help() {
    return ToolOptions.help(
        "compute_ctl check-spec --spec-path <PATH>",
        "Check a spec as compute_ctl would (parsing, then upstream's validation) plus a few lints,"
            + " and print\n"
            + "every problem with its JSON path. Exit status: 0 usable, 1 errors found, 2 trouble.",
        OPTIONS);
  }

  static ExitCode run(List<String> args, PrintStream out) {
    ToolOptions o = ToolOptions.parse(OPTIONS, args);
    if (o.has("help")) {
      out.print(help());
      return ExitCode.OK;
    }
    Path path = Path.of(o.require("spec-path"));
    SpecProblems.Report report = SpecProblems.check(read(path));
    for (SpecProblems.Problem p : report.problems()) {
      out.println(p);
    }
    if (report.incomplete()) {
      out.println("note: checking stopped here; fix the problems above to see any further ones");
    }
    long errors = report.errors();
    long warnings = report.problems().size() - errors;
    out.println(
        path
            + ": "
            + (errors == 0 ? "OK" : "invalid")
            + ", "
            + plural(errors, "error")
            + ", "
            + plural(warnings, "warning"));
    return errors == 0 ? ExitCode.OK : ExitCode.FAILURE;
  }

  private static String read(Path path) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(path)))
          .toString();
    } catch (IOException | RuntimeException e) {
      throw new ToolException("could not read spec file " + path + ": " + IoErrors.describe(e), e);
    }
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
