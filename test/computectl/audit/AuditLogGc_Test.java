package computectl.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.ExportedMetrics;
import computectl.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditLogGc_Test {
  private static Path file(Path dir, String name, int size, Duration age) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[size]);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
    return p;
  }

  @Test
  void runOnce_deletesOldAuditLogsAndMeasuresTheRest() throws Exception {
    Path log = Files.createTempDirectory("computectl-auditlog-");
    Path oldAudit = file(log, "audit-20250101.log", 1000, Duration.ofMinutes(16));
    Path nestedOldAudit = file(log, "sub/audit-old.log", 10, Duration.ofHours(2));
    Path freshAudit = file(log, "audit-now.log", 100, Duration.ofMinutes(1));
    Path oldPostgres = file(log, "postgresql-old.log", 20, Duration.ofHours(5));
    file(log, "notes.txt", 5000, Duration.ZERO);
    ExportedMetrics metrics = new ExportedMetrics();

    new AuditLogGc(log, metrics, Duration.ofSeconds(60), Duration.ofMinutes(15)).runOnce();

    assertFalse(Files.exists(oldAudit));
    assertFalse(Files.exists(nestedOldAudit), "like find, the whole tree is searched");
    assertTrue(Files.exists(freshAudit));
    assertTrue(Files.exists(oldPostgres), "only audit*.log files are collected");
    assertEquals(120, metrics.auditLogDirSize.value(), "sizes of the files ending in log");
    assertTrue(metrics.text().contains("compute_audit_log_dir_size 120"), metrics.text());
  }

  @Test
  void runOnce_missingDirectory_measuresZero() throws Exception {
    ExportedMetrics metrics = new ExportedMetrics();
    metrics.auditLogDirSize.set(7);

    new AuditLogGc(
            Files.createTempDirectory("computectl-auditlog-").resolve("absent"),
            metrics,
            Duration.ofSeconds(60),
            Duration.ofMinutes(15))
        .runOnce();

    assertEquals(0, metrics.auditLogDirSize.value());
  }

  @Test
  void loop_runsEveryIntervalUntilClosed() throws Exception {
    Path log = Files.createTempDirectory("computectl-auditlog-");
    ExportedMetrics metrics = new ExportedMetrics();
    metrics.auditLogDirSize.set(7);
    try (AuditLogGc gc =
        new AuditLogGc(log, metrics, Duration.ofMillis(50), Duration.ofMinutes(15))) {
      gc.start();
      // The first round measures the empty directory: what follows needs a later round.
      Await.until("a first round", () -> metrics.auditLogDirSize.value() == 0);
      file(log, "postgresql.log", 321, Duration.ZERO);
      Path aged = file(log, "audit-1.log", 9, Duration.ofMinutes(30));

      Await.until(
          "a later round collecting the aged log",
          () -> !Files.exists(aged) && metrics.auditLogDirSize.value() == 321);
    }
    Await.until("the pgaudit-gc thread ended", () -> !gcThreadAlive());
  }

  private static boolean gcThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals("pgaudit-gc"));
  }
}
