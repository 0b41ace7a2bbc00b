package computectl.rsyslog;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postgres log export through rsyslog (behaviour.md 12.8): an rsyslog rule file that forwards the
 * {@code postgres} program's messages over TCP, rewritten only when it changes, followed by a
 * restart of rsyslogd (the VM's init respawns it; rsyslog has no reload).
 */
public final class RsyslogLogsExport implements LogsExportConfigurer {
  public static final Path DEFAULT_CONF = Path.of("/etc/rsyslog.d/postgres_logs.conf");

  /** Restarts rsyslogd; throws when it is not running. */
  @FunctionalInterface
  public interface Restarter {
    void restart() throws IOException, InterruptedException;
  }

  private final Path confFile;
  private final Restarter restarter;

  public RsyslogLogsExport(Path confFile, Restarter restarter) {
    this.confFile = confFile;
    this.restarter = restarter;
  }

  /** The real thing: the system rsyslog directory and pgrep/pkill. */
  public static RsyslogLogsExport system() {
    return new RsyslogLogsExport(DEFAULT_CONF, RsyslogLogsExport::restartRsyslogd);
  }

  /** The rule file for {@code host} ({@code <target>:<port>}); empty for no export. */
  public static String ruleText(String host) {
    if (host == null || host.isEmpty()) {
      return "";
    }
    int colon = host.indexOf(':');
    if (colon < 0) {
      throw new ComputeCtlException("Invalid host format for Postgres logs export");
    }
    String target = host.substring(0, colon);
    String port = host.substring(colon + 1);
    return "# Written by compute_ctl: forwards Postgres log messages to the telemetry collector.\n"
        + "if $programname == 'postgres' then {\n"
        + "    action(type=\"omfwd\" target=\""
        + target
        + "\" port=\""
        + port
        + "\" protocol=\"tcp\"\n"
        + "           template=\"RSYSLOG_SyslogProtocol23Format\"\n"
        + "           action.resumeRetryCount=\"3\"\n"
        + "           queue.type=\"linkedList\" queue.size=\"1000\")\n"
        + "    stop\n"
        + "}\n";
  }

  @Override
  public void configure(String host) throws IOException, InterruptedException {
    String wanted = ruleText(host);
    String current;
    try {
      current = Files.readString(confFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      current = "";
    }
    if (wanted.equals(current)) {
      Log.info("postgres logs rsyslog configuration is up-to-date");
      return;
    }
    if (wanted.isEmpty()) {
      Log.info("removing rsyslog config file " + confFile);
      Files.deleteIfExists(confFile);
    } else {
      Log.info("configuring rsyslog for postgres logs export to " + host);
      Files.writeString(confFile, wanted, StandardCharsets.UTF_8);
    }
    restarter.restart();
  }

  /** {@code pgrep rsyslogd} must find it; then {@code pkill rsyslogd}. */
  public static void restartRsyslogd() throws IOException, InterruptedException {
    String pids = run(List.of("pgrep", "rsyslogd"));
    if (pids.isBlank()) {
      throw new ComputeCtlException("rsyslogd is not running");
    }
    Log.info("rsyslogd is running with pid " + pids.trim().replace('\n', ' ') + ", restarting it");
    run(List.of("pkill", "rsyslogd"));
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new ComputeCtlException(cmd.get(0) + " did not finish in 10 s");
    }
    return out;
  }
}
