package computectl.compute;

import computectl.compute.StartupMetrics.Field;
import computectl.pageserver.Basebackup;
import computectl.pageserver.BasebackupFile;
import computectl.pageserver.Sleeper;
import computectl.postgres.ConfigWriter;
import computectl.postgres.PgData;
import computectl.postgres.PgProcess;
import computectl.safekeeper.SafekeeperStatusCheck;
import computectl.safekeeper.SyncSafekeepers;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.tls.TlsFiles;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.EnvNumbers;
import computectl.util.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The compute start (behaviour.md 5.2, 5.3): PGDATA from scratch, configuration, the LSN, the
 * basebackup, Postgres, and the catalog for a primary. Status moves Init to Running here; the
 * caller turns a failure into Failed.
 */
final class StartupFlow {
  private final ComputeConfig cfg;
  private final ComputeNode node;
  private final ChildProcesses children;
  private final SpecApplier applier;
  private final PreStart preStart;
  private volatile PgProcess postgres;

  StartupFlow(
      ComputeConfig cfg,
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

  void start(ParsedSpec ps) {
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
    preStart.run(ps, () -> prepareDataDir(ps));
    Instant pgStart = node.clock().instant();
    postgres = PgProcess.start(cfg.pg(), cfg.pgdata(), spec.storageAuthToken(), children);
    postgres.waitReady();
    Log.info("PostgreSQL is now running, continuing to configure it");
    Instant configTime = node.clock().instant();
    if (spec.mode().isPrimary()) {
      applier.configureAsPrimary(ps);
    }
    Instant end = node.clock().instant();
    StartupMetrics m = node.metrics();
    m.set(Field.START_POSTGRES_MS, millis(pgStart, configTime));
    m.set(Field.CONFIG_MS, millis(configTime, end));
    m.set(Field.TOTAL_STARTUP_MS, millis(node.state().startTime(), end));
    node.setStatus(ComputeStatus.RUNNING);
    Log.info("compute start finished: " + m.toJson() + ", postmaster pid " + postgres.pid());
  }

  /** PGDATA from scratch, then the basebackup at the LSN the mode calls for (behaviour.md 5.3). */
  private void prepareDataDir(ParsedSpec ps) {
    ComputeSpec spec = ps.spec();
    PgData.reset(cfg.pgdata());
    writeConfig(cfg, spec);
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
      basebackup().fetch(ps, lsn, spec.mode(), cfg.pgdata(), node.metrics(), Sleeper.REAL);
    }
    PgData.ensureHbaLine(cfg.pgdata());
    PgData.replaceDynshmem(cfg.pgdata());
    if (spec.mode().kind() != ComputeMode.Kind.PRIMARY) {
      PgData.addStandbySignal(cfg.pgdata());
    }
  }

  /**
   * postgresql.conf, with the TLS key and certificate copied into PGDATA first when configured
   * (behaviour.md 5.4 item 3).
   */
  static void writeConfig(ComputeConfig cfg, ComputeSpec spec) {
    if (cfg.tls() != null) {
      TlsFiles.install(cfg.pgdata(), cfg.tls());
    }
    ConfigWriter.write(
        cfg.pgdata(),
        spec,
        ConfigWriter.Options.forThisHost(cfg.internalHttpPort(), cfg.tls() != null));
  }

  /**
   * Upstream's testing builds read NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES; we always honour it, so
   * tests of a pageserver that never answers need not wait through eleven back-offs.
   */
  private Basebackup basebackup() {
    Duration readTimeout = envSeconds(BASEBACKUP_READ_TIMEOUT_ENV, Basebackup.DEFAULT_READ_TIMEOUT);
    Duration deadline = envSeconds(BASEBACKUP_DEADLINE_ENV, BASEBACKUP_DEADLINE);
    String retries = cfg.env().get("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES");
    try {
      int n = retries == null ? Basebackup.RETRIES : Integer.parseInt(retries.trim());
      return new Basebackup(Basebackup.DEFAULT_CONNECT_TIMEOUT, readTimeout, n)
          .withAttemptDeadline(deadline);
    } catch (NumberFormatException e) {
      throw new StartupException(
          "NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES must be a number, got '" + retries + "'");
    }
  }

  /**
   * Overrides {@link Basebackup#DEFAULT_READ_TIMEOUT} (our addition: tests of a stalled
   * pageserver).
   */
  static final String BASEBACKUP_READ_TIMEOUT_ENV = "COMPUTE_CTL_BASEBACKUP_READ_TIMEOUT_SECONDS";

  /**
   * How long one basebackup attempt may take in all (upstream: no limit); a Neon basebackup is
   * megabytes.
   */
  static final Duration BASEBACKUP_DEADLINE = Duration.ofMinutes(10);

  static final String BASEBACKUP_DEADLINE_ENV = "COMPUTE_CTL_BASEBACKUP_DEADLINE_SECONDS";

  /**
   * Upstream waits for {@code postgres --sync-safekeepers} forever; we kill it and fail the start
   * after this long (overridden by {@link #SYNC_SAFEKEEPERS_DEADLINE_ENV}), so that a hung sync
   * ends in Failed with a reason instead of a compute stuck in Init.
   */
  static final Duration SYNC_SAFEKEEPERS_DEADLINE = Duration.ofMinutes(5);

  static final String SYNC_SAFEKEEPERS_DEADLINE_ENV =
      "COMPUTE_CTL_SYNC_SAFEKEEPERS_DEADLINE_SECONDS";

  /** How long {@code postgres --sync-safekeepers} may run, at start and at shutdown. */
  static Duration syncSafekeepersDeadline(ComputeConfig cfg) {
    return EnvNumbers.seconds(cfg.env(), SYNC_SAFEKEEPERS_DEADLINE_ENV, SYNC_SAFEKEEPERS_DEADLINE);
  }

  private Duration envSeconds(String name, Duration otherwise) {
    return EnvNumbers.seconds(cfg.env(), name, otherwise);
  }

  private Lsn syncSafekeepers(ParsedSpec ps) {
    try {
      Optional<Lsn> fast = new SafekeeperStatusCheck().check(ps, node.metrics());
      Lsn lsn =
          fast.isPresent()
              ? fast.get()
              : new SyncSafekeepers(cfg.pg(), cfg.pgdata(), children, node.metrics())
                  .withDeadline(syncSafekeepersDeadline(cfg))
                  .run(ps.spec().storageAuthToken());
      Log.info("safekeepers synced at LSN " + lsn);
      return lsn;
    } catch (ComputeCtlException e) {
      throw new StartupException("failed to sync safekeepers", e);
    }
  }

  static long millis(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
