package computectl.audit;

import computectl.metrics.ExportedMetrics;
import computectl.util.Log;
import computectl.util.Worker;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps the HIPAA audit log directory from filling the disk (behaviour.md 12.7): every {@code
 * interval} (60 s) it deletes {@code audit*.log} files (at any depth, as {@code find} does) not
 * modified for more than {@code maxAge} (15 minutes: pgaudit rotates every 5, which leaves rsyslog
 * time to ship them), then sets {@code compute_audit_log_dir_size} to the total size of the
 * directory's files whose name ends in {@code log}. Done in Java rather than by running {@code find
 * ... -mmin +15 -delete}. A named thread, stopped by {@link #close()}.
 */
public final class AuditLogGc implements AutoCloseable {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);
  private static final PathMatcher AUDIT_LOG =
      FileSystems.getDefault().getPathMatcher("glob:audit*.log");

  private final Path logDir;
  private final ExportedMetrics metrics;
  private final Duration maxAge;
  private final Worker worker;

  public AuditLogGc(Path logDir, ExportedMetrics metrics, Duration interval, Duration maxAge) {
    this.logDir = logDir;
    this.metrics = metrics;
    this.maxAge = maxAge;
    this.worker = Worker.every("pgaudit-gc", interval, this::runOnce);
  }

  public static AuditLogGc withDefaults(Path logDir, ExportedMetrics metrics) {
    return new AuditLogGc(logDir, metrics, DEFAULT_INTERVAL, DEFAULT_MAX_AGE);
  }

  public void start() {
    Log.info("running pgaudit GC main loop for " + logDir);
    worker.start();
  }

  /** One pass: delete old audit files, then measure. */
  public void runOnce() {
    deleteOldAuditLogs();
    long size;
    try {
      size = logFilesSize();
    } catch (IOException e) {
      Log.warn("Failed to get log directory size: " + e);
      size = 0;
    }
    metrics.auditLogDirSize.set((double) size);
  }

  private void deleteOldAuditLogs() {
    long cutoff = System.currentTimeMillis() - maxAge.toMillis();
    List<Path> old;
    try (Stream<Path> all = Files.walk(logDir)) {
      old =
          all.filter(p -> AUDIT_LOG.matches(p.getFileName()) && modifiedBefore(p, cutoff)).toList();
    } catch (IOException | RuntimeException e) {
      Log.warn("cannot scan " + logDir + " for old audit logs: " + e);
      return;
    }
    for (Path p : old) {
      try {
        Files.deleteIfExists(p);
        Log.info("deleted old audit log " + p);
      } catch (IOException e) {
        Log.warn("cannot delete old audit log " + p + ": " + e);
      }
    }
  }

  private static boolean modifiedBefore(Path p, long cutoffMillis) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() && a.lastModifiedTime().toMillis() < cutoffMillis;
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  private long logFilesSize() throws IOException {
    long total = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(logDir)) {
      for (Path p : entries) {
        if (p.toString().endsWith("log") && Files.isRegularFile(p)) {
          total += Files.size(p);
        }
      }
    }
    return total;
  }

  @Override
  public void close() {
    worker.close();
  }
}
