package computectl.tools;

import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The offline subcommands of compute_ctl (our addition, see docs/upstream.md): {@code plan}, {@code
 * check-spec} and {@code debug-bundle}. They need no network beyond the local Postgres or compute
 * they look at, and never change anything.
 *
 * <p>Exit codes: {@code plan} 0 when nothing would change and 1 otherwise; {@code check-spec} 0 for
 * a usable spec and 1 when it has errors; {@code debug-bundle} 0 when the bundle was written. Every
 * tool exits 2 when it could not do its job (bad arguments, unreadable file, no connection), as
 * {@code diff} does.
 */
public final class Tools {
  private Tools() {}

  /** What {@code --help} of compute_ctl shows about the tools, one line each. */
  public static String summary() {
    return "  plan          print the SQL that reconciliation would run against a live Postgres"
        + " (exit 1 if any)\n"
        + "  check-spec    validate a spec file and print every problem with its JSON path\n"
        + "  debug-bundle  write a tar of a live compute's status, metrics, config, logs and"
        + " threads, without secrets\n";
  }

  public static boolean isSubcommand(String arg) {
    return arg.equals("plan") || arg.equals("check-spec") || arg.equals("debug-bundle");
  }

  /** Runs {@code argv[0]} with the remaining arguments; returns the exit code. */
  public static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
    String tool = argv[0];
    List<String> args = Arrays.asList(argv).subList(1, argv.length);
    try {
      switch (tool) {
        case "plan":
          return PlanCommand.run(args, out).code();
        case "check-spec":
          return CheckSpecCommand.run(args, out).code();
        case "debug-bundle":
          return DebugBundleCommand.run(args, env, out).code();
        default:
          throw ToolException.usage("unknown tool '" + tool + "'");
      }
    } catch (ToolException e) {
      err.println("compute_ctl " + tool + ": " + e.getMessage());
      if (e.usage()) {
        err.println("For more information, try 'compute_ctl " + tool + " --help'.");
      }
      return ExitCode.CANNOT_RUN.code();
    } catch (ComputeCtlException e) {
      err.println("compute_ctl " + tool + ": " + ComputeCtlException.chain(e));
      return ExitCode.CANNOT_RUN.code();
    } catch (RuntimeException e) {
      // A bug; still "trouble", not an answer (1 means changes found, or errors in the spec).
      err.println("compute_ctl " + tool + ": internal error: " + e);
      return ExitCode.CANNOT_RUN.code();
    }
  }
}
