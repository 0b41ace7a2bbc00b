package computectl.compute;

import computectl.metrics.StartupMetrics;
import computectl.metrics.StartupMetrics.Field;
import computectl.pageserver.Basebackup;
import computectl.pageserver.BasebackupFile;
import computectl.postgres.ConfigWriter;
import computectl.postgres.NextWalSegment;
import computectl.postgres.PgData;
import computectl.postgres.PgProcess;
import computectl.postgres.TempOverride;
import computectl.safekeeper.SafekeeperStatusCheck;
import computectl.safekeeper.SyncSafekeepers;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.tls.TlsFiles;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.LogSpan;
import computectl.util.Setting;
import computectl.util.Sleeper;
import computectl.warmup.StartPathWarmup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * The compute start (behaviour.md 5.2, 5.3): PGDATA from scratch, configuration, the LSN, the
 * basebackup, Postgres, and the catalog for a primary. Status moves Init to Running here; the
 * caller turns a failure into Failed.
 */
final class StartupFlow {
  private final LaunchOptions cfg;
  private final ComputeNode node;
  private final ChildProcesses children;
  private final SpecApplier applier;
  private final PreStart preStart;
  private volatile PgProcess postgres;

  /** The SQL warm-up beside the Postgres start of {@link #start}, or null (main thread only). */
  private StartPathWarmup sqlWarmup;

  StartupFlow(
      LaunchOptions cfg,
      ComputeNode node,
      ChildProcesses children,
      SpecApplier applier,
      PreStart preStart) {
    this.cfg = cfg;
    this.node = node;
    this.children = children;
    this.applier = applier;
    this.preStart = preStart;
  }

  /** The Postgres started by {@link #start}, or null when it did not get that far. */
  PgProcess postgres() {
    return postgres;
  }

  /**
   * The start. {@code warmSqlBesidePostgres}: nothing warmed the start's code in Empty (a spec
   * file), so the spec and SQL part of the warm-up starts with Postgres, on the core that wait
   * leaves idle, and runs to its end (see {@link #startPostgres}).
   */
  void start(ParsedSpec ps, boolean warmSqlBesidePostgres) {
    ComputeSpec spec = ps.spec();
    Log.info(
        "starting compute for project "
            + spec.cluster().clusterId()
            + ", operation "
            + spec.operationUuid()
            + ", tenant "
            + ps.tenantId()
            + ", timeline "
            + ps.timelineId()
            + ", features "
            + spec.features());
    LogSpan startSpan = LogSpan.current();
    preStart.run(
        ps, () -> LogSpan.enterChildOf(startSpan, "prepare_pgdata").run(() -> prepareDataDir(ps)));
    Instant pgStart = node.clock().instant();
    Instant configTime;
    Instant end;
    try {
      startPostgres(spec, warmSqlBesidePostgres && spec.mode().isPrimary());
      Log.info("PostgreSQL is now running, continuing to configure it");
      configTime = node.clock().instant();
      if (spec.mode().isPrimary()) {
        LogSpan.enter("configure_as_primary").run(() -> applier.configureAsPrimary(ps));
      }
      end = node.clock().instant();
    } finally {
      if (sqlWarmup != null) {
        sqlWarmup.close(); // usually over by now; if not, cancelled here
        sqlWarmup = null;
      }
    }
    StartupMetrics m = node.metrics();
    m.set(Field.START_POSTGRES_MS, millis(pgStart, configTime));
    m.set(Field.CONFIG_MS, millis(configTime, end));
    m.set(Field.TOTAL_STARTUP_MS, millis(node.state().startTime(), end));
    node.setStatus(ComputeStatus.RUNNING);
    Log.info("compute start finished: " + m.toJson() + ", postmaster pid " + postgres.pid());
  }

  /**
   * Starts Postgres, then the SQL warm-up if {@code warmSql} (after the spawn: Postgres must not
   * wait for a thread start), and waits until Postgres is ready. The warm-up then runs to its end
   * beside the spec SQL: with the next WAL segment prepared, Postgres is ready in about 30 ms, and
   * a warm-up cut off there left the spec SQL as cold as none (make bench: cold starts 0.79 to 0.87
   * of the shell against 0.79 to 0.93 when cancelled, 3 interleaved rounds each). A failed start
   * cancels it.
   */
  private void startPostgres(ComputeSpec spec, boolean warmSql) {
    boolean ready = false;
    try {
      LogSpan.enter("start_postgres")
          .run(
              () -> {
                postgres =
                    PgProcess.start(cfg.pg(), cfg.pgdata(), spec.storageAuthToken(), children);
                if (warmSql) {
                  sqlWarmup = StartPathWarmup.startSqlOnly();
                }
                LogSpan.enter("wait_for_postgres", LogSpan.Field.bare("pgdata", cfg.pgdata()))
                    .run(postgres::waitReady);
              });
      ready = true;
    } finally {
      if (sqlWarmup != null && !ready) {
        sqlWarmup.cancel();
      }
    }
  }

  /** PGDATA from scratch, then the basebackup at the LSN the mode calls for (behaviour.md 5.3). */
  private void prepareDataDir(ParsedSpec ps) {
    ComputeSpec spec = ps.spec();
    PgData.reset(cfg.pgdata());
    writeConfig(cfg, node, spec);
    Future<Void> dynshmemLink = PgData.stageDynshmem(cfg.pgdata());
    if (cfg.basebackupFile() != null) {
      // A captured basebackup fixes the LSN already: neither safekeepers nor pageserver are asked.
      BasebackupFile.unpack(cfg.basebackupFile(), cfg.pgdata(), node.metrics());
    } else {
      Lsn lsn =
          switch (spec.mode().kind()) {
            case PRIMARY -> syncSafekeepers(ps);
            case STATIC -> spec.mode().lsn();
            case REPLICA -> Lsn.ZERO;
          };
      LogSpan.enter("get_basebackup", LogSpan.Field.bare("lsn", lsn))
          .run(
              () ->
                  basebackup()
                      .fetch(ps, lsn, spec.mode(), cfg.pgdata(), node.metrics(), Sleeper.REAL));
      if (spec.mode().kind() == ComputeMode.Kind.PRIMARY && preallocateWal(spec)) {
        Path next = NextWalSegment.create(cfg.pgdata(), lsn);
        if (next != null) {
          Log.info("created the next WAL segment " + next.getFileName() + " empty, for Postgres");
        }
      }
    }
    PgData.ensureHbaLine(cfg.pgdata());
    PgData.replaceDynshmem(cfg.pgdata(), dynshmemLink);
    if (spec.mode().kind() != ComputeMode.Kind.PRIMARY) {
      PgData.addStandbySignal(cfg.pgdata());
    }
    String override = SpecApplier.startOverride(spec);
    if (override != null) {
      TempOverride.write(cfg.pgdata(), override);
    }
  }

  /**
   * Whether to hand Postgres the next WAL segment (behaviour.md 5.6): on unless {@link
   * Setting#PREALLOCATE_WAL} is {@code 0} or the spec asks for zero-filled segments.
   */
  private boolean preallocateWal(ComputeSpec spec) {
    if ("0".equals(Setting.PREALLOCATE_WAL.value(cfg.env()).trim())) {
      return false;
    }
    String initZero = spec.setting("wal_init_zero").orElse("").trim().toLowerCase(Locale.ROOT);
    return !(initZero.equals("on") || initZero.equals("true") || initZero.equals("1"));
  }

  /**
   * postgresql.conf, with the TLS key and certificate copied into PGDATA first when configured
   * (behaviour.md 5.4 item 3). As upstream, the copy is retried every second until the files exist
   * and belong together: a certificate that appears late, or a renewal caught half-way, clears by
   * itself. A compute told to terminate stops waiting.
   */
  static void writeConfig(LaunchOptions cfg, ComputeNode node, ComputeSpec spec) {
    if (cfg.tls() != null) {
      TlsFiles.installWithRetry(
          cfg.pgdata(),
          cfg.tls(),
          TLS_RETRY,
          () -> node.status() == ComputeStatus.TERMINATION_PENDING);
    }
    ConfigWriter.write(
        cfg.pgdata(),
        spec,
        ConfigWriter.Options.forThisHost(cfg.internalHttpPort(), cfg.tls() != null));
  }

  /** Upstream's pause between attempts to copy the TLS key and certificate. */
  static final Duration TLS_RETRY = Duration.ofSeconds(1);

  /**
   * Upstream's testing builds read NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES; we always honour it, so
   * tests of a pageserver that never answers need not wait through eleven back-offs.
   */
  private Basebackup basebackup() {
    Duration readTimeout = Setting.BASEBACKUP_READ_TIMEOUT_SECONDS.seconds(cfg.env());
    Duration deadline = Setting.BASEBACKUP_DEADLINE_SECONDS.seconds(cfg.env());
    String retries = cfg.env().get("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES");
    try {
      int n = retries == null ? Basebackup.RETRIES : Integer.parseInt(retries.trim());
      return new Basebackup(Basebackup.DEFAULT_CONNECT_TIMEOUT, readTimeout, n)
          .withAttemptDeadline(deadline);
    } catch (NumberFormatException e) {
      throw new ComputeCtlException(
          "NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES must be a number, got '" + retries + "'");
    }
  }

  /**
   * How long {@code postgres --sync-safekeepers} may run, at start and at shutdown. Upstream waits
   * forever; we kill it and fail the start, so that a hung sync ends in Failed with a reason
   * instead of a compute stuck in Init.
   */
  static Duration syncSafekeepersDeadline(LaunchOptions cfg) {
    return Setting.SYNC_SAFEKEEPERS_DEADLINE_SECONDS.seconds(cfg.env());
  }

  private Lsn syncSafekeepers(ParsedSpec ps) {
    try {
      Optional<Lsn> fast =
          LogSpan.enter("check_safekeepers_synced")
              .call(() -> new SafekeeperStatusCheck().check(ps, node.metrics()));
      Lsn lsn = fast.isPresent() ? fast.get() : syncSafekeepers(cfg, node, children, ps);
      Log.info("safekeepers synced at LSN " + lsn);
      return lsn;
    } catch (ComputeCtlException e) {
      throw new ComputeCtlException("failed to sync safekeepers", e);
    }
  }

  /** {@code postgres --sync-safekeepers}, at start and at shutdown. */
  static Lsn syncSafekeepers(
      LaunchOptions cfg, ComputeNode node, ChildProcesses children, ParsedSpec ps) {
    return LogSpan.enter("sync_safekeepers")
        .call(
            () ->
                new SyncSafekeepers(cfg.pg(), cfg.pgdata(), children, node.metrics())
                    .withDeadline(syncSafekeepersDeadline(cfg))
                    .run(ps.spec().storageAuthToken()));
  }

  static long millis(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
