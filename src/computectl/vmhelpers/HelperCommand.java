package computectl.vmhelpers;

import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one helper command to completion (no timeout, as upstream: these helpers finish before
 * Postgres starts), logging its output line by line. Returns the exit code.
 */
final class HelperCommand {
  private HelperCommand() {}

  /** The command as upstream quotes it in errors: {@code `/usr/bin/sudo /neonvm/bin/... args`}. */
  static String display(List<String> cmd) {
    return "`" + String.join(" ", cmd) + "`";
  }

  static int run(List<String> cmd, String name, ChildProcesses children) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ComputeCtlException(
          "could not run " + display(cmd) + ": spawn() failed: " + e.getMessage(), e);
    }
    if (children != null) {
      children.register(name, p);
    }
    try {
      p.getOutputStream().close();
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Log.info(name + ": " + line);
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      p.destroyForcibly();
      throw new ComputeCtlException(
          "could not run " + display(cmd) + ": wait() failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("could not run " + display(cmd) + ": interrupted", e);
    }
  }
}
