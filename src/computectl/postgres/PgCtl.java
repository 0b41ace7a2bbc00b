package computectl.postgres;

import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code pg_ctl} from the {@code --pgbin} directory. */
public final class PgCtl {
  private static final long TIMEOUT_SECONDS = 60;

  private PgCtl() {}

  /**
   * Makes Postgres re-read its configuration (behaviour.md 5.4.5). As upstream, the outcome does
   * not matter to the caller; we only log it. Returns pg_ctl's exit code (-1 if it could not run).
   */
  public static int reload(PgCommand command, Path pgdata) {
    List<String> cmd = command.siblingCommand("pg_ctl", "reload", "-D", pgdata.toString());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        Log.warn("pg_ctl reload did not finish within " + TIMEOUT_SECONDS + " s");
        return -1;
      }
      int code = p.exitValue();
      if (code == 0) {
        Log.debug("pg_ctl reload: " + output);
      } else {
        Log.warn("pg_ctl reload exited with code " + code + ": " + output);
      }
      return code;
    } catch (IOException e) {
      Log.warn("cannot run pg_ctl reload: " + e.getMessage());
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Log.warn("interrupted while running pg_ctl reload");
      return -1;
    }
  }
}
