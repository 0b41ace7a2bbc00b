package computectl.rsyslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.ComputeCtlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsyslogLogsExport_Test {
  @TempDir Path dir;
  final AtomicInteger restarts = new AtomicInteger();

  RsyslogLogsExport export() {
    return new RsyslogLogsExport(dir.resolve("postgres_logs.conf"), restarts::incrementAndGet);
  }

  @Test
  void ruleText_forwardsPostgresMessagesOverTcp() {
    String rule = RsyslogLogsExport.ruleText("collector.cvc.local:514");
    assertTrue(rule.contains("if $programname == 'postgres' then {"), rule);
    assertTrue(
        rule.contains(
            "type=\"omfwd\" target=\"collector.cvc.local\" port=\"514\" protocol=\"tcp\""),
        rule);
    assertTrue(rule.contains("template=\"RSYSLOG_SyslogProtocol23Format\""), rule);
    assertTrue(rule.contains("action.resumeRetryCount=\"3\""), rule);
    assertTrue(rule.contains("queue.type=\"linkedList\" queue.size=\"1000\""), rule);
    assertTrue(rule.contains("    stop\n}"), rule);
    assertEquals("", RsyslogLogsExport.ruleText(null));
    assertEquals("", RsyslogLogsExport.ruleText(""));
  }

  @Test
  void ruleText_hostWithoutPortIsAnError() {
    ComputeCtlException e =
        assertThrows(ComputeCtlException.class, () -> RsyslogLogsExport.ruleText("collector"));
    assertEquals("Invalid host format for Postgres logs export", e.getMessage());
  }

  @Test
  void configure_writesOnlyChangesAndRestartsForEach() throws Exception {
    RsyslogLogsExport e = export();
    e.configure("c1:514");
    assertEquals(
        RsyslogLogsExport.ruleText("c1:514"), Files.readString(dir.resolve("postgres_logs.conf")));
    assertEquals(1, restarts.get());
    e.configure("c1:514");
    assertEquals(1, restarts.get(), "unchanged: no restart");
    e.configure("c2:6514");
    assertEquals(2, restarts.get());
    e.configure(null);
    assertFalse(Files.exists(dir.resolve("postgres_logs.conf")));
    assertEquals(3, restarts.get());
    e.configure(null);
    assertEquals(3, restarts.get(), "already absent: no restart");
  }
}
