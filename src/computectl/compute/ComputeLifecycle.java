package computectl.compute;

import computectl.extension.RemoteExtensions;
import computectl.lease.LsnLeaseRenewer;
import computectl.metrics.ExportedMetrics;
import computectl.metrics.StartupMetrics.Field;
import computectl.postgres.CoreDumps;
import computectl.postgres.PgProcess;
import computectl.postgres.Prewarm;
import computectl.safekeeper.SyncSafekeepers;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.tar.TarExtractor;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;
import computectl.util.Log;
import computectl.util.LogSpan;
import computectl.util.Setting;
import computectl.vmmonitor.VmMonitor;
import computectl.vmmonitor.VmMonitorConfig;
import computectl.warmup.StartPathWarmup;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One compute's life once the spec source is settled (behaviour.md 5.1 steps 8 to 14): wait for a
 * spec, start, serve reconfigurations, wait on the postmaster, clean up. It owns every thread and
 * child process it starts.
 */
public final class ComputeLifecycle implements AutoCloseable {
  /**
   * How {@link #run} ended: the process exit code (an {@link ExitCode}, or Postgres's own code when
   * it exited on its own), and whether to keep serving HTTP for a while first.
   */
  public record Outcome(int exitCode, boolean delayExit) {
    Outcome(ExitCode code, boolean delayExit) {
      this(code.code(), delayExit);
    }
  }

  /** How long a signal waits for Postgres's fast shutdown before escalating. */
  static final Duration SIGNAL_SHUTDOWN_WAIT = Duration.ofSeconds(60);

  /**
   * How long the start's background work gets before the full collections (see {@link #trimHeap}).
   */
  private static final long HEAP_TRIM_DELAY_MILLIS = 1000;

  private final LaunchOptions cfg;
  private final ComputeNode node;
  private final ChildProcesses children;
  private final BackgroundTasks background = new BackgroundTasks();
  private final StartupFlow flow;
  private final Configurator configurator;
  private final Function<Boolean, VmMonitorConfig> vmMonitorConfig;
  private final PreStart preStart;
  private LsnLeaseRenewer lease;
  private volatile boolean signalled;
  private volatile StartPathWarmup warmup;
  private final Object prewarmLock = new Object();
  private Prewarm.Leftover prewarmLeftover; // guarded by prewarmLock

  /**
   * @param extensions remote extension downloads, or null when {@code remote_extensions} cannot be
   *     served
   * @param vmMonitorConfig the vm-monitor's configuration given whether the spec lets it resize the
   *     file cache (built when Postgres is up; the vm-monitor runs only when AUTOSCALING is set),
   *     or null
   */
  public ComputeLifecycle(
      LaunchOptions cfg,
      ComputeNode node,
      ExportedMetrics metrics,
      ChildProcesses children,
      Supplier<RemoteExtensions> extensions,
      Function<Boolean, VmMonitorConfig> vmMonitorConfig) {
    this.cfg = cfg;
    this.node = node;
    this.children = children;
    this.vmMonitorConfig = vmMonitorConfig;
    SpecApplier applier = new SpecApplier(cfg, metrics, background);
    this.preStart = new PreStart(cfg, node, children, metrics, extensions, background);
    this.flow = new StartupFlow(cfg, node, children, applier, preStart);
    this.configurator = new Configurator(cfg, node, applier, background);
  }

  public ChildProcesses children() {
    return children;
  }

  /**
   * Takes the stopped prewarm cluster, removed once the start is over or when the process ends
   * first; see {@link Prewarm} for why not at once.
   */
  public void prewarmed(Prewarm.Leftover leftover) {
    synchronized (prewarmLock) {
      prewarmLeftover = leftover;
    }
  }

  public Outcome run() throws InterruptedException {
    if (node.spec() == null && !awaitSpec()) {
      removePrewarmLeftover();
      return new Outcome(ExitCode.OK, true);
    }
    startLease();
    boolean failed = !startCompute();
    // The start is over and answered: main has nothing to do but wait for Postgres, so it removes
    // the prewarm cluster itself.
    removePrewarmLeftover();
    PgProcess pg = flow.postgres();
    Integer code = pg == null ? null : waitForPostgres(pg, failed);
    return cleanupAfterPostgresExit(code, failed);
  }

  /**
   * Steps 11 to 13 of behaviour.md 5.1: the vm-monitor runs while Postgres does; Postgres's exit
   * code.
   */
  private Integer waitForPostgres(PgProcess pg, boolean failed) throws InterruptedException {
    Optional<VmMonitor> vm = failed ? Optional.empty() : startVmMonitor();
    if (!failed) {
      background.spawn("heap-trim", ComputeLifecycle::trimHeap);
    }
    Integer code;
    try {
      code = pg.waitExit();
    } finally {
      vm.ifPresent(VmMonitor::stop);
    }
    Log.info("Postgres exited with code " + code + ", shutting down");
    return code;
  }

  /**
   * After Postgres (behaviour.md 5.10), run as upstream does whether or not Postgres ever ran (a
   * start that failed before it, too): the shutdown sync of a primary, whose failure ends the
   * process at once; Terminated after a /terminate; the core-dump scan.
   *
   * @param code Postgres's exit code, or null when it never ran or was killed by a signal
   */
  private Outcome cleanupAfterPostgresExit(Integer code, boolean failed) {
    // A replayed basebackup file (offline debugging) has no safekeepers to sync with. After a
    // termination signal the process is ending (upstream exits at once): no new sync.
    if (node.spec().spec().mode().isPrimary()
        && cfg.basebackupFile() == null
        && !signalled
        && !syncOnShutdown()) {
      return new Outcome(ExitCode.FAILURE, false);
    }
    boolean terminated =
        node.transitionIf(
                s -> s == ComputeStatus.TERMINATION_PENDING, ComputeStatus.TERMINATED, null)
            == ComputeStatus.TERMINATION_PENDING;
    CoreDumps.withSystemDebuggers().report(CoreDumps.coreDir(cfg.pgdata()), cfg.pg().pgbin());
    // Upstream exits with Postgres's code even after a failed start, which can be 0 when the
    // SIGQUIT meets Postgres in crash recovery; a failed start never reports success here. After a
    // termination signal the exit is 1, as upstream's: main can get here (Postgres stopped by the
    // forwarded SIGINT, code 0) before the signal handler ends the process.
    int exit = signalled || code == null || (failed && code == 0) ? ExitCode.FAILURE.code() : code;
    return new Outcome(exit, failed || terminated);
  }

  /**
   * Full collections in a row that let the serial collector shrink the heap all the way: it damps
   * the shrinking of consecutive full collections (none on the first, 10% on the second, 40% on the
   * third, all of it from the fourth on), so a single one left the heap at its size during the
   * start.
   */
  private static final int HEAP_TRIM_COLLECTIONS = 4;

  /**
   * The start leaves tens of megabytes of garbage (spec, catalog snapshots, JDBC buffers) in a heap
   * that then sits idle for hours. Full collections, once the start's background work has had a
   * moment, return that memory to the system (the launcher's MaxHeapFreeRatio lets the heap
   * shrink). Each takes a few milliseconds of a heap of a few megabytes.
   */
  private static void trimHeap() {
    try {
      Thread.sleep(HEAP_TRIM_DELAY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    TarExtractor.releaseSpareBuffers(); // the start's basebackup was the last archive it needed
    for (int i = 0; i < HEAP_TRIM_COLLECTIONS; i++) {
      System.gc();
    }
  }

  /**
   * Step 9 of behaviour.md 5.1: a Static compute keeps a pageserver lease on its LSN; a /configure
   * that brings new pageservers cuts its wait short.
   */
  private void startLease() {
    lease = LsnLeaseRenewer.forStatic(node.spec(), node::spec);
    if (lease != null) {
      LsnLeaseRenewer l = lease;
      node.addListener((from, to) -> l.specChanged());
      lease.start();
    }
  }

  /**
   * Step 11 of behaviour.md 5.1: the vm-monitor runs while Postgres does, when AUTOSCALING is set.
   */
  private Optional<VmMonitor> startVmMonitor() {
    if (vmMonitorConfig == null) {
      return Optional.empty();
    }
    boolean lfc = !Boolean.TRUE.equals(node.spec().spec().disableLfcResizing());
    try {
      return VmMonitor.startIfAutoscaling(cfg.env(), vmMonitorConfig.apply(lfc));
    } catch (ComputeCtlException e) {
      Log.error("could not start the vm-monitor: " + ComputeCtlException.chain(e));
      return Optional.empty();
    }
  }

  /**
   * Pooled start: wait for /configure. False when a /terminate came first (upstream hangs there).
   */
  private boolean awaitSpec() throws InterruptedException {
    Log.info("no compute spec provided, waiting");
    warmup = startWarmup();
    ComputeStatus s =
        node.await(
            st ->
                st == ComputeStatus.CONFIGURATION_PENDING
                    || st == ComputeStatus.TERMINATION_PENDING,
            null);
    if (warmup != null) {
      warmup.cancel(); // the listener did already; this covers a warm-up that started late
    }
    if (s == ComputeStatus.TERMINATION_PENDING) {
      node.setStatus(ComputeStatus.TERMINATED);
      return false;
    }
    Log.info("got spec, continue configuration");
    node.metrics()
        .set(
            Field.WAIT_FOR_SPEC_MS,
            StartupFlow.millis(node.state().startTime(), node.clock().instant()));
    node.resetStartTime();
    return true;
  }

  /**
   * The start path's warm-up while in Empty ({@link StartPathWarmup}); null when {@link
   * Setting#WARMUP_ROUNDS} is 0. Whatever leaves Empty (a /configure, a /terminate) cancels it from
   * the thread that changes the status, without waiting for it.
   */
  private StartPathWarmup startWarmup() {
    long rounds = warmupRounds(cfg.env());
    if (rounds == 0) {
      return null;
    }
    StartPathWarmup w =
        StartPathWarmup.start((int) rounds, StartPathWarmup.defaultScratchParent(cfg.env()));
    node.addListener(
        (from, to) -> {
          if (from == ComputeStatus.EMPTY) {
            w.cancel();
          }
        });
    return w;
  }

  /** Rounds of the warm-up in Empty ({@link Setting#WARMUP_ROUNDS}; 0: none). */
  static long warmupRounds(Map<String, String> env) {
    String v = Setting.WARMUP_ROUNDS.value(env);
    if (v.trim().equals("0")) {
      return 0;
    }
    return Setting.WARMUP_ROUNDS.positive(env);
  }

  private boolean startCompute() {
    try {
      startSpan()
          .run(
              () -> {
                node.setStatus(ComputeStatus.INIT);
                configurator.start();
                flow.start(node.spec(), warmup == null && warmupRounds(cfg.env()) > 0);
              });
      background.spawnDeferred(); // Running now: the start's last reload and background jobs
      return true;
    } catch (ComputeCtlException e) {
      failStartup(ComputeCtlException.chain(e));
    } catch (RuntimeException e) {
      Log.error("internal error during startup: " + e);
      failStartup("internal error: " + e);
    }
    return false;
  }

  /**
   * Upstream's {@code start_compute} span: a child of the {@code /configure} request that brought
   * the spec, else traced from {@code TRACEPARENT}/{@code TRACESTATE} when the caller set them.
   */
  private LogSpan startSpan() {
    LogSpan request = node.takeRequestSpan();
    if (request != null) {
      return LogSpan.enterChildOf(request, "start_compute");
    }
    String traceparent = cfg.env().get("TRACEPARENT");
    return LogSpan.enterTracedFrom(
        traceparent == null
            ? null
            : new LogSpan.RemoteParent(traceparent, cfg.env().get("TRACESTATE")),
        "start_compute");
  }

  private void failStartup(String error) {
    Log.error("could not start the compute node: " + error);
    node.fail(error);
    PgProcess pg = flow.postgres();
    if (pg != null && pg.isAlive()) {
      pg.signal("QUIT");
    }
  }

  private boolean syncOnShutdown() {
    Log.info("syncing safekeepers on shutdown");
    ParsedSpec ps = node.spec();
    try {
      // The start's deadline applies here too: a hung sync must not keep the process from exiting.
      Lsn lsn = StartupFlow.syncSafekeepers(cfg, node, children, ps);
      Log.info("synced safekeepers at lsn " + lsn);
      return true;
    } catch (ComputeCtlException e) {
      Log.error("failed to sync safekeepers on shutdown: " + ComputeCtlException.chain(e));
      return false;
    }
  }

  /**
   * What {@code /terminate} and the signal handler send: SIGTERM to a sync, SIGINT (fast shutdown)
   * to Postgres.
   */
  public void sendTerminationSignals() {
    Process sync = children.find(SyncSafekeepers.PROCESS_NAME);
    if (sync != null) {
      ChildProcesses.signal(sync.pid(), "TERM");
    }
    Process pg = children.find(PgProcess.PROCESS_NAME);
    if (pg != null) {
      ChildProcesses.signal(pg.pid(), "INT");
    }
  }

  /**
   * SIGINT/SIGTERM to compute_ctl: like upstream, forward the shutdown and exit 1, but wait for
   * Postgres to stop first (upstream exits at once and can leave it running).
   */
  public void onTerminationSignal(String name) {
    signalled = true;
    Log.info("received SIG" + name + " termination signal");
    sendTerminationSignals();
    Process pg = children.find(PgProcess.PROCESS_NAME);
    try {
      if (pg != null && !pg.waitFor(SIGNAL_SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        Log.warn(
            "Postgres did not stop in " + SIGNAL_SHUTDOWN_WAIT.toSeconds() + " s, sending SIGQUIT");
        ChildProcesses.signal(pg.pid(), "QUIT");
        pg.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.killAll();
    removePrewarmLeftover();
  }

  /**
   * Removes the prewarm cluster if nobody has yet; safe from any thread. A caller that finds the
   * removal under way waits for it, so that an exit never leaves a half-removed directory.
   */
  private void removePrewarmLeftover() {
    synchronized (prewarmLock) {
      if (prewarmLeftover != null) {
        prewarmLeftover.remove();
        prewarmLeftover = null;
      }
    }
  }

  @Override
  public void close() {
    StartPathWarmup w = warmup;
    if (w != null) {
      w.close();
    }
    configurator.close();
    preStart.close();
    if (lease != null) {
      lease.close();
    }
    background.close();
    children.killAll();
    removePrewarmLeftover();
  }
}
