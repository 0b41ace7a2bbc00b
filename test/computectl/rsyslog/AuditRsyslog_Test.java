package computectl.rsyslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ComputeCtlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuditRsyslog_Test {
  @Test
  void configText_readsTheLogDirectoryAndForwardsOverTcp() {
    String text =
        AuditRsyslog.configText(
            "/var/db/postgres/compute/pgdata/log", "hipaa", "audit.example:5140");

    assertEquals(
        "# Written by compute_ctl: ships the Postgres audit log to the audit collector.\n"
            + "module(load=\"imfile\")\n"
            + "\n"
            + "# Every log file Postgres (pgaudit) writes in its log directory.\n"
            + "input(type=\"imfile\" File=\"/var/db/postgres/compute/pgdata/log/*.log\""
            + " Tag=\"hipaa\" Severity=\"info\" Facility=\"local0\")\n"
            + "# Where rsyslog remembers how far it has read each file.\n"
            + "global(workDirectory=\"/var/log/rsyslog\")\n"
            + "\n"
            + "# Everything goes to the collector over TCP.\n"
            + "*.* @@audit.example:5140\n",
        text);
  }

  @Test
  void configureHipaa_writesTheRuleFileThenRestartsRsyslog() throws Exception {
    Path dir = Files.createTempDirectory("computectl-audit-");
    Path conf = dir.resolve("compute_audit_rsyslog.conf");
    Files.writeString(conf, "old content that is replaced\n");
    AtomicInteger restarts = new AtomicInteger();
    Path pgdata = dir.resolve("pgdata");

    Path logDir =
        new AuditRsyslog(conf, restarts::incrementAndGet)
            .configureHipaa(pgdata, Map.of("AUDIT_LOGGING_ENDPOINT", "10.0.0.1:514"));

    assertEquals(pgdata.resolve("log"), logDir);
    assertEquals(
        AuditRsyslog.configText(pgdata.resolve("log").toString(), "hipaa", "10.0.0.1:514"),
        Files.readString(conf));
    assertEquals(1, restarts.get());
  }

  @Test
  void configureHipaa_withoutEndpoint_failsBeforeTouchingRsyslog() throws Exception {
    Path conf =
        Files.createTempDirectory("computectl-audit-").resolve("compute_audit_rsyslog.conf");
    AtomicInteger restarts = new AtomicInteger();
    AuditRsyslog audit = new AuditRsyslog(conf, restarts::incrementAndGet);

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> audit.configureHipaa(Path.of("/pgdata"), Map.of("AUDIT_LOGGING_ENDPOINT", "")));

    assertEquals("AUDIT_LOGGING_ENDPOINT is empty", e.getMessage());
    assertFalse(Files.exists(conf));
    assertEquals(0, restarts.get());
  }

  @Test
  void configureHipaa_rsyslogNotRunning_failsStartup() throws Exception {
    Path conf =
        Files.createTempDirectory("computectl-audit-").resolve("compute_audit_rsyslog.conf");
    AuditRsyslog audit =
        new AuditRsyslog(
            conf,
            () -> {
              throw new ComputeCtlException("rsyslogd is not running");
            });

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () ->
                audit.configureHipaa(Path.of("/pgdata"), Map.of("AUDIT_LOGGING_ENDPOINT", "h:1")));

    assertEquals("rsyslogd is not running", e.getMessage());
  }
}
