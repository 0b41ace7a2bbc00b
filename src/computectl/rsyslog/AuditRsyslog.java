package computectl.rsyslog;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * HIPAA audit logging (behaviour.md 12.7, {@code audit_log_level: Hipaa}): an rsyslog rule file
 * that tails pgaudit's log files in {@code <pgdata>/log} and forwards every line over TCP to {@code
 * AUDIT_LOGGING_ENDPOINT}, followed by an rsyslog restart (the same restart rule as log export,
 * {@link RsyslogLogsExport}). Unlike log export, the file is always rewritten.
 */
public final class AuditRsyslog {
  public static final Path DEFAULT_CONF = Path.of("/etc/rsyslog.d/compute_audit_rsyslog.conf");
  public static final String ENDPOINT_VARIABLE = "AUDIT_LOGGING_ENDPOINT";
  public static final String HIPAA_TAG = "hipaa";

  private final Path confFile;
  private final RsyslogLogsExport.Restarter restarter;

  public AuditRsyslog(Path confFile, RsyslogLogsExport.Restarter restarter) {
    this.confFile = confFile;
    this.restarter = restarter;
  }

  /** The system rsyslog directory and the pgrep/pkill restart. */
  public static AuditRsyslog system() {
    return new AuditRsyslog(DEFAULT_CONF, RsyslogLogsExport::restartRsyslogd);
  }

  /** The rule file for the files {@code <logDirectory>/*.log}. */
  public static String configText(String logDirectory, String tag, String remoteEndpoint) {
    return "# Written by compute_ctl: ships the Postgres audit log to the audit collector.\n"
        + "module(load=\"imfile\")\n"
        + "\n"
        + "# Every log file Postgres (pgaudit) writes in its log directory.\n"
        + "input(type=\"imfile\" File=\""
        + logDirectory
        + "/*.log\" Tag=\""
        + tag
        + "\" Severity=\"info\" Facility=\"local0\")\n"
        + "# Where rsyslog remembers how far it has read each file.\n"
        + "global(workDirectory=\"/var/log/rsyslog\")\n"
        + "\n"
        + "# Everything goes to the collector over TCP.\n"
        + "*.* @@"
        + remoteEndpoint
        + "\n";
  }

  /**
   * Start-up step 5 of behaviour.md 5.2: configures rsyslog for {@code <pgdata>/log} and restarts
   * it.
   *
   * @param env the process environment ({@code AUDIT_LOGGING_ENDPOINT} must be set and non-empty)
   * @return the log directory, for {@link AuditLogGc}
   * @throws ComputeCtlException without an endpoint, or when rsyslog cannot be configured (startup
   *     fails)
   */
  public Path configureHipaa(Path pgdata, Map<String, String> env) {
    String endpoint = env.getOrDefault(ENDPOINT_VARIABLE, "");
    if (endpoint.isEmpty()) {
      throw new ComputeCtlException(ENDPOINT_VARIABLE + " is empty");
    }
    Path logDir = pgdata.resolve("log");
    String text = configText(logDir.toString(), HIPAA_TAG, endpoint);
    try {
      Files.writeString(confFile, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot write rsyslog configuration " + confFile + ": " + e.getMessage(), e);
    }
    Log.info("rsyslog configuration file " + confFile + " written; restarting rsyslogd");
    try {
      restarter.restart();
    } catch (IOException e) {
      throw new ComputeCtlException("cannot restart rsyslogd: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while restarting rsyslogd", e);
    }
    return logDir;
  }
}
