package computectl.cli;

import computectl.tools.Tools;
import computectl.util.BuildInfo;
import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;
import computectl.util.Log;
import java.util.Map;

/** Entry point of compute_ctl: parses the command line, runs the compute, exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // A bug that ends a background thread goes to our log instead of a bare stack trace.
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> Log.error("internal error in thread " + t.getName() + ": " + e));
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] argv, Map<String, String> env) {
    if (argv.length > 0 && Tools.isSubcommand(argv[0])) {
      return Tools.run(argv, env, System.out, System.err);
    }
    Args args;
    try {
      args = ArgsParser.parse(argv, env);
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println();
      System.err.println(Usage.line());
      System.err.println();
      System.err.println("For more information, try '--help'.");
      return e.exitCode();
    }
    if (args.help()) {
      System.out.print(Usage.text());
      return ExitCode.OK.code();
    }
    if (args.version()) {
      System.out.println("compute_ctl " + BuildInfo.buildTag());
      return ExitCode.OK.code();
    }
    Log.setFormat("json".equals(args.logFormat()) ? Log.Format.JSON : Log.Format.TEXT);
    try {
      return new ComputeCtlLauncher(args, env).run();
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      return e.exitCode();
    } catch (ComputeCtlException e) {
      Log.error(ComputeCtlException.chain(e));
      return ExitCode.FAILURE.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Log.error("interrupted");
      return ExitCode.FAILURE.code();
    } catch (RuntimeException e) {
      Log.error("internal error: " + e);
      return ExitCode.FAILURE.code();
    }
  }
}
