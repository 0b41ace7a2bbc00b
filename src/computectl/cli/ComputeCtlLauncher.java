package computectl.cli;

import computectl.compute.ComputeLifecycle;
import computectl.compute.ComputeNode;
import computectl.compute.LaunchOptions;
import computectl.compute.UpMetric;
import computectl.extension.ExtensionDirs;
import computectl.extension.RemoteExtensions;
import computectl.http.ApiContext;
import computectl.http.HttpLimits;
import computectl.http.HttpServers;
import computectl.http.PgDumpTarget;
import computectl.metrics.ExportedMetrics;
import computectl.monitor.ComputeMonitor;
import computectl.pgwire.ConnInfo;
import computectl.postgres.JdbcConnector;
import computectl.postgres.PgCommand;
import computectl.postgres.PgVersion;
import computectl.postgres.Prewarm;
import computectl.spec.AcquiredSpec;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecSource;
import computectl.spec.SpecValidator;
import computectl.tracing.OtlpExporter;
import computectl.tracing.TraceConfig;
import computectl.util.BuildInfo;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;
import computectl.util.Failpoints;
import computectl.util.Log;
import computectl.util.NamedThreads;
import computectl.util.Setting;
import computectl.util.SignalTraps;
import computectl.vmmonitor.VmMonitorConfig;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The composition root (behaviour.md 5.1): wires the command line, the spec source, the state
 * machine, the HTTP servers and the compute, runs it, and returns the exit code.
 */
final class ComputeCtlLauncher {
  private final Args args;
  private final Map<String, String> env;
  private final ExportedMetrics metrics = new ExportedMetrics();

  ComputeCtlLauncher(Args args, Map<String, String> env) {
    this.args = args;
    this.env = env;
  }

  /** How long the exit waits for the last spans to reach the collector (upstream: 2 s). */
  private static final Duration TRACING_SHUTDOWN_LIMIT = Duration.ofSeconds(2);

  private volatile OtlpExporter tracing;

  int run() throws InterruptedException {
    // pg_config runs on its own thread while main traps the signals and reads the spec: its fork
    // and exec were a good part of the time before /status answers (make bench, boot). The thread
    // then loads the JDK's networking for the HTTP servers, which main binds after the spec, and
    // the security properties that the JDK reads for the text of its first failed connection (a
    // safekeeper that is down, the fast check's usual failure): 2.5 to 3 ms of a cold start's
    // main thread in a fresh JVM, just before the sync (make bench, traced).
    FutureTask<String> pgVersion = new FutureTask<>(() -> PgVersion.detect(args.pgbin()));
    NamedThreads.start(
        "pg-version",
        () -> {
          pgVersion.run();
          HttpServers.preloadNetworking();
          Security.getProperty("jdk.includeInExceptions");
        });
    // As upstream, SIGINT and SIGTERM are handled from the start: before the compute exists (the
    // spec fetch can retry for minutes) there is nothing to stop, and the process exits 1.
    AtomicReference<ComputeLifecycle> running = new AtomicReference<>();
    SignalTraps.trap("INT", sig -> stopOnSignal(running.get(), sig));
    SignalTraps.trap("TERM", sig -> stopOnSignal(running.get(), sig));
    // The exporter's classes (their own jar) are loaded only when an endpoint asks for them.
    TraceConfig traceConfig =
        env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
                || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            ? TraceConfig.fromEnv(env)
            : null;
    if (traceConfig != null) {
      tracing = new OtlpExporter(traceConfig).start();
    }
    try {
      return runCompute(running, pgVersion);
    } finally {
      stopTracing();
    }
  }

  private void stopTracing() {
    OtlpExporter t = tracing;
    if (t != null) {
      Log.info("shutting down tracing");
      t.close(TRACING_SHUTDOWN_LIMIT);
    }
  }

  private int runCompute(AtomicReference<ComputeLifecycle> running, Future<String> pgVersionTask)
      throws InterruptedException {
    Failpoints failpoints = failpoints();
    HttpLimits httpLimits = HttpLimits.fromEnv(env);
    Log.info("compute build_tag: " + BuildInfo.buildTag());
    ConnInfo connInfo = ConnInfo.parse(args.connstr());
    JdbcConnector connector = JdbcConnector.of(connInfo);
    AcquiredSpec source =
        new SpecSource(metrics, env.getOrDefault("NEON_CONTROL_PLANE_TOKEN", ""))
            .timeout(SpecSource.timeoutFrom(env))
            .acquire(args.spec(), args.specPath(), args.controlPlaneUri(), args.computeId());
    ComputeNode node = new ComputeNode();
    if (source.spec() != null) {
      node.setSpec(validated(source, pgVersionTask));
    }
    PgCommand pg = PgCommand.of(args.pgbin(), env, java.util.List.of());
    LaunchOptions cfg =
        new LaunchOptions(
            Path.of(args.pgdata()),
            pg,
            connector,
            args.internalHttpPort(),
            env,
            exitGrace(),
            args.basebackupFile() == null ? null : Path.of(args.basebackupFile()),
            failpoints,
            source.computeCtlConfig().tls(),
            args.resizeSwapOnBind(),
            args.setDiskQuotaForFs());
    ChildProcesses children = new ChildProcesses();
    Supplier<RemoteExtensions> extensions = remoteExtensions(pgVersionTask, children);
    try (ComputeLifecycle compute =
        new ComputeLifecycle(
            cfg,
            node,
            metrics,
            children,
            extensions,
            lfc ->
                VmMonitorConfig.of(
                    args.vmMonitorAddr(), args.cgroup(), lfc ? args.filecacheConnstr() : null))) {
      running.set(compute);
      if (source.spec() == null) {
        prewarm(pg, cfg, compute);
      }
      try (HttpServers http =
              HttpServers.start(
                  httpContext(node, source, compute, connInfo, connector, failpoints, extensions),
                  args.externalHttpPort(),
                  args.internalHttpPort(),
                  httpLimits);
          ComputeMonitor monitor = new ComputeMonitor(node, connector)) {
        Log.info(
            "serving the external HTTP API on port "
                + http.externalPort()
                + ", the internal one on "
                + http.internalPort());
        UpMetric up = new UpMetric(metrics.up, BuildInfo.buildTag());
        up.publish(node.status());
        node.addListener(up);
        monitor.start();
        // pg_config ran beside all of the above (it was the longest wait of main in a cold start,
        // up to 9 ms); an unsupported or missing version still ends the process before the start.
        Log.info("PostgreSQL version " + resultOf(pgVersionTask));
        ComputeLifecycle.Outcome outcome = compute.run();
        if (outcome.delayExit()) {
          Log.info(
              "giving control plane "
                  + cfg.exitGrace().toSeconds()
                  + "s to collect the error before shutdown");
          Thread.sleep(cfg.exitGrace().toMillis());
        }
        Log.info("shutting down");
        return outcome.exitCode();
      }
    }
  }

  /**
   * The spec, validated. When it is invalid and pg_config failed too, pg_config's error is the one
   * reported, as when the version was read before the spec was checked.
   */
  private static ParsedSpec validated(AcquiredSpec source, Future<String> pgVersion)
      throws InterruptedException {
    try {
      return SpecValidator.validate(source.spec());
    } catch (RuntimeException invalid) {
      resultOf(pgVersion);
      throw invalid;
    }
  }

  /** The task's result; what it threw, thrown here on main (a failure ends the start). */
  private static String resultOf(Future<String> task) throws InterruptedException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** {@code compute} is null while there is none yet. */
  private void stopOnSignal(ComputeLifecycle compute, String sig) {
    if (compute == null) {
      Log.info("received SIG" + sig + " termination signal");
    } else {
      compute.onTerminationSignal(sig);
    }
    stopTracing();
    Log.info("shutting down");
    Runtime.getRuntime().halt(ExitCode.FAILURE.code());
  }

  private static void prewarm(PgCommand pg, LaunchOptions cfg, ComputeLifecycle compute) {
    try {
      compute.prewarmed(Prewarm.run(pg, cfg.pgdata(), compute.children()));
    } catch (ComputeCtlException e) {
      Log.warn("prewarm failed (continuing): " + ComputeCtlException.chain(e));
    }
  }

  private ApiContext httpContext(
      ComputeNode node,
      AcquiredSpec source,
      ComputeLifecycle compute,
      ConnInfo ci,
      JdbcConnector connector,
      Failpoints failpoints,
      Supplier<RemoteExtensions> extensions) {
    return ApiContext.builder(node, metrics, args.computeId())
        .liveConfigAllowed(source.liveConfigAllowed())
        .jwks(source.computeCtlConfig().jwks())
        .db(connector)
        .pgbin(Path.of(args.pgbin()))
        .dumpTarget(new PgDumpTarget(ci.host(), ci.port(), ci.user()))
        .terminator(compute::sendTerminationSignals)
        .children(compute.children())
        .failpoints(failpoints)
        .remoteExtensions(
            args.remoteExtConfig(), (ext, spec) -> extensions.get().download(ext, spec))
        .build();
  }

  /**
   * Remote extensions, set up on first use: finding the Postgres directories runs pg_config, which
   * a compute without remote extensions should not pay for at boot. By then main has checked {@code
   * pgVersion}.
   */
  private Supplier<RemoteExtensions> remoteExtensions(
      Future<String> pgVersion, ChildProcesses children) {
    return new Supplier<>() {
      private RemoteExtensions value;

      @Override
      public synchronized RemoteExtensions get() {
        if (value == null) {
          String version;
          try {
            version = resultOf(pgVersion);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the PostgreSQL version", e);
          }
          value =
              new RemoteExtensions(
                  args.remoteExtConfig(),
                  BuildInfo.buildTag(),
                  version,
                  ExtensionDirs.forPgbin(args.pgbin()),
                  metrics,
                  children);
        }
        return value;
      }
    };
  }

  /**
   * Upstream compiles failpoints into testing builds only; here they are on when the {@code
   * FAILPOINTS} variable is present (even empty), which also enables {@code /failpoints}.
   */
  private Failpoints failpoints() {
    String spec = env.get("FAILPOINTS");
    if (spec == null) {
      return null;
    }
    Failpoints fp = new Failpoints();
    try {
      fp.configureAll(spec);
    } catch (IllegalArgumentException e) {
      throw new ComputeCtlException("FAILPOINTS: " + e.getMessage(), e);
    }
    return fp;
  }

  private Duration exitGrace() {
    String s = Setting.EXIT_GRACE_SECONDS.value(env);
    try {
      return Duration.ofSeconds(Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      throw new UsageException(
          Setting.EXIT_GRACE_SECONDS.variable()
              + " must be a whole number of seconds, got '"
              + s
              + "'");
    }
  }
}
