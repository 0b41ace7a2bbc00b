package computectl.rsyslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.ComputeSpec;
import computectl.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogsExportStartup_Test {
  private static ComputeSpec spec(String features, String clusterId) {
    return SpecParser.parseSpec(
        "{\"format_version\":1.0,\"features\":["
            + features
            + "],\"cluster\":{"
            + (clusterId == null ? "" : "\"cluster_id\":\"" + clusterId + "\",")
            + "\"roles\":[],\"databases\":[]},"
            + "\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\",\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\","
            + "\"pageserver_connstring\":\"postgresql://no_user@127.0.0.1:6400\",\"safekeeper_connstrings\":[\"x\"]}");
  }

  @Test
  void configure_featureAndProject_pointsRsyslogAtTheProjectCollector() throws Exception {
    Path conf = Files.createTempDirectory("computectl-logs-").resolve("postgres_logs.conf");
    AtomicInteger restarts = new AtomicInteger();
    RsyslogLogsExport export = new RsyslogLogsExport(conf, restarts::incrementAndGet);

    String host =
        LogsExportStartup.configure(spec("\"postgres_logs_export\"", "shy-breeze-123"), export);

    assertEquals("config-shy-breeze-123-collector.neon-telemetry.svc.cluster.local:10514", host);
    String text = Files.readString(conf);
    assertTrue(
        text.contains(
            "target=\"config-shy-breeze-123-collector.neon-telemetry.svc.cluster.local\""),
        text);
    assertTrue(text.contains("port=\"10514\""), text);
    assertEquals(1, restarts.get());

    LogsExportStartup.configure(spec("\"postgres_logs_export\"", "shy-breeze-123"), export);
    assertEquals(1, restarts.get(), "an unchanged rule file does not restart rsyslog again");
  }

  @Test
  void configure_withoutProject_onlyWarns() throws Exception {
    Path conf = Files.createTempDirectory("computectl-logs-").resolve("postgres_logs.conf");

    assertNull(
        LogsExportStartup.configure(
            spec("\"postgres_logs_export\"", null), new RsyslogLogsExport(conf, () -> {})));

    assertFalse(Files.exists(conf));
  }

  @Test
  void configure_featureOff_doesNothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    assertNull(LogsExportStartup.configure(spec("", "p"), host -> calls.incrementAndGet()));

    assertEquals(0, calls.get());
  }
}
