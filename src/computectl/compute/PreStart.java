package computectl.compute;

import computectl.audit.AuditLogGc;
import computectl.extension.RemoteExtensions;
import computectl.localproxy.LocalProxyConfigurer;
import computectl.metrics.ExportedMetrics;
import computectl.pgbouncer.PgbouncerTuner;
import computectl.rsyslog.AuditRsyslog;
import computectl.rsyslog.LogsExportStartup;
import computectl.rsyslog.RsyslogLogsExport;
import computectl.spec.AuditLogLevel;
import computectl.spec.ComputeSpec;
import computectl.spec.Feature;
import computectl.spec.ParsedSpec;
import computectl.tls.CertificateWatcher;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.NamedThreads;
import computectl.util.Setting;
import computectl.vmhelpers.DiskQuota;
import computectl.vmhelpers.SwapResizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Steps 3 to 6 of behaviour.md 5.2: what must be done before Postgres starts (TLS certificate,
 * remote extensions, PGDATA, swap, disk quota) run concurrently and all must succeed; pgbouncer and
 * local_proxy are tuned on the side; HIPAA audit logging and log export are set up. The long-lived
 * threads started here (certificate watcher, audit log GC) stop with {@link #close}.
 */
final class PreStart implements AutoCloseable {
  private final LaunchOptions cfg;
  private final ComputeNode node;
  private final ChildProcesses children;
  private final ExportedMetrics metrics;
  private final Supplier<RemoteExtensions> extensions;
  private final BackgroundTasks background;
  private final List<AutoCloseable> owned = new ArrayList<>();

  PreStart(
      LaunchOptions cfg,
      ComputeNode node,
      ChildProcesses children,
      ExportedMetrics metrics,
      Supplier<RemoteExtensions> extensions,
      BackgroundTasks background) {
    this.cfg = cfg;
    this.node = node;
    this.children = children;
    this.metrics = metrics;
    this.extensions = extensions;
    this.background = background;
  }

  /**
   * Runs the pre-start tasks with {@code prepareDataDir} among them; the first failure is thrown.
   */
  void run(ParsedSpec ps, Runnable prepareDataDir) {
    ComputeSpec spec = ps.spec();
    List<Callable<Void>> tasks = new ArrayList<>();
    if (cfg.tls() != null) {
      tasks.add(() -> watchCertificate());
    }
    if (spec.remoteExtensions() != null && extensions != null) {
      tasks.add(() -> run(() -> extensions.get().prepareAtStartup(spec, node.metrics())));
    }
    tasks.add(() -> run(prepareDataDir));
    if (spec.swapSizeBytes() != null && cfg.resizeSwapOnBind()) {
      tasks.add(() -> run(() -> SwapResizer.system(children).resize(spec.swapSizeBytes())));
    }
    if (spec.diskQuotaBytes() != null && cfg.diskQuotaFs() != null) {
      tasks.add(
          () ->
              run(() -> DiskQuota.system(children).set(spec.diskQuotaBytes(), cfg.diskQuotaFs())));
    }
    if (tasks.size() == 1 && !sideTasksWait(spec)) {
      // The usual start has nothing to run beside PGDATA: no thread hand-off for it.
      sideTasks(spec);
      try {
        tasks.get(0).call();
        return;
      } catch (Exception e) {
        throw failed(e);
      }
    }
    ExecutorService pool = namedPool(tasks.size());
    try {
      ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
      tasks.forEach(done::submit);
      sideTasks(spec);
      for (int i = 0; i < tasks.size(); i++) {
        done.take().get();
      }
    } catch (ExecutionException e) {
      throw failed(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while preparing the compute", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A task's failure as the start reports it: our own errors as they are. */
  private static ComputeCtlException failed(Throwable cause) {
    return cause instanceof ComputeCtlException c
        ? c
        : new ComputeCtlException("pre-start task failed: " + cause, cause);
  }

  private static Void run(Runnable r) {
    r.run();
    return null;
  }

  private Void watchCertificate() {
    CertificateWatcher watcher =
        new CertificateWatcher(
            Path.of(cfg.tls().certPath()),
            Setting.TLS_CERT_POLL_SECONDS.seconds(cfg.env()),
            CertificateWatcher.DEFAULT_READ_RETRY,
            () ->
                node.transitionIf(
                    s -> s == ComputeStatus.RUNNING, ComputeStatus.CONFIGURATION_PENDING, null));
    synchronized (owned) {
      owned.add(watcher);
    }
    watcher.start();
    return null;
  }

  /**
   * Whether {@link #sideTasks} waits for something (rsyslog's restart), and so should run beside
   * PGDATA's preparation rather than before it; the rest it only hands to background threads.
   */
  private static boolean sideTasksWait(ComputeSpec spec) {
    return spec.auditLogLevel() == AuditLogLevel.Hipaa
        || spec.hasFeature(Feature.POSTGRES_LOGS_EXPORT);
  }

  /** Steps 4 to 6. */
  private void sideTasks(ComputeSpec spec) {
    if (spec.pgbouncerSettings() != null) {
      background.spawn(
          "pgbouncer-tuning",
          () ->
              new PgbouncerTuner(PgbouncerTuner.targetFor(cfg.env()))
                  .tune(spec.pgbouncerSettings(), cfg.tls()));
    }
    if (spec.localProxyConfig() != null) {
      background.spawn(
          "local-proxy-config",
          () -> LocalProxyConfigurer.system().configure(spec.localProxyConfig()));
    }
    if (spec.auditLogLevel() == AuditLogLevel.Hipaa) {
      Path logDir = AuditRsyslog.system().configureHipaa(cfg.pgdata(), cfg.env());
      AuditLogGc gc = AuditLogGc.withDefaults(logDir, metrics);
      synchronized (owned) {
        owned.add(gc);
      }
      gc.start();
    }
    LogsExportStartup.configure(spec, RsyslogLogsExport.system());
  }

  private static ExecutorService namedPool(int size) {
    return Executors.newFixedThreadPool(Math.max(1, size), NamedThreads.daemon("pre-start"));
  }

  @Override
  public void close() {
    synchronized (owned) {
      for (AutoCloseable c : owned) {
        try {
          c.close();
        } catch (Exception e) {
          computectl.util.Log.warn("stopping " + c + ": " + e);
        }
      }
      owned.clear();
    }
  }
}
