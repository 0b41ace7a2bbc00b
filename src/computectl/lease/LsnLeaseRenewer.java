package computectl.lease;

import computectl.pgwire.WireClient;
import computectl.spec.ComputeMode;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.LogSpan;
import computectl.util.Worker;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a pageserver lease on the LSN of a Static compute so that GC keeps its data (behaviour.md
 * 12.1). A named thread: request the lease; on success sleep max(valid - 60 s, valid / 2) (at least
 * {@link Timing#minRenewal}: a lease already expired by our clock must not turn into a tight loop);
 * on a transport or protocol error retry after 500 ms, growing x1.5 up to 60 s, forever; on a
 * refusal (the LSN is behind the GC cutoff) log and end. The pageserver connection strings and the
 * storage token are read from the current spec before every attempt; {@link #specChanged()} with a
 * new {@code pageserver_connstring} cuts any wait short.
 */
public final class LsnLeaseRenewer implements AutoCloseable {
  /**
   * Waits and limits; {@link #DEFAULT} is upstream's. Connect and read timeouts are ours (upstream
   * has none).
   */
  public record Timing(
      Duration initialRetry,
      double retryGrowth,
      Duration maxRetry,
      Duration renewMargin,
      Duration minRenewal,
      Duration connectTimeout,
      Duration readTimeout) {
    public static final Timing DEFAULT =
        new Timing(
            Duration.ofMillis(500),
            1.5,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60));
  }

  private final Supplier<ParsedSpec> spec;
  private final String tenantId;
  private final String timelineId;
  private final Lsn lsn;
  private final Timing timing;
  private final LongSupplier clockMillis;
  private final Worker worker;
  private final Object lock = new Object();
  private long wakeups;
  private boolean stopped;
  private volatile WireClient current;
  private volatile long validUntil = -1;
  private volatile boolean refused;

  /** The pageserver connection string of the latest attempt; null before the first. */
  private volatile String lastConnstr;

  /** {@link #wakeups} as read before the latest attempt; only the renewal thread uses it. */
  private long lastAttemptWakeups;

  /**
   * @param spec the compute's current spec (re-read before every attempt)
   * @param lsn the Static mode's LSN
   */
  public LsnLeaseRenewer(
      Supplier<ParsedSpec> spec, String tenantId, String timelineId, Lsn lsn, Timing timing) {
    this.spec = spec;
    this.tenantId = tenantId;
    this.timelineId = timelineId;
    this.lsn = lsn;
    this.timing = timing;
    this.clockMillis = System::currentTimeMillis;
    this.worker = new Worker("lsn-lease", w -> run());
  }

  /**
   * A renewer for {@code initial}'s Static LSN with upstream's timing; null when the mode is not
   * Static.
   */
  public static LsnLeaseRenewer forStatic(ParsedSpec initial, Supplier<ParsedSpec> current) {
    ComputeMode mode = initial.spec().mode();
    if (mode == null || mode.kind() != ComputeMode.Kind.STATIC) {
      return null;
    }
    return new LsnLeaseRenewer(
        current, initial.tenantId(), initial.timelineId(), mode.lsn(), Timing.DEFAULT);
  }

  public void start() {
    Log.info(
        "starting LSN lease renewal for tenant "
            + tenantId
            + ", timeline "
            + timelineId
            + ", lsn "
            + lsn);
    worker.start();
  }

  /**
   * The compute's spec may have changed (called on every status change): when its pageserver
   * connection string differs from the one last asked, stop waiting and ask the new pageservers
   * now, as upstream does. Any other change of the spec leaves the renewal alone.
   */
  public void specChanged() {
    ParsedSpec s = spec.get();
    if (s != null && !s.pageserverConnstr().equals(lastConnstr)) {
      wake();
    }
  }

  private void wake() {
    synchronized (lock) {
      wakeups++;
      lock.notifyAll();
    }
  }

  /** The lease's expiry (ms since the epoch) as last granted; -1 before the first grant. */
  public long validUntil() {
    return validUntil;
  }

  /** Whether the pageserver refused the lease (the thread has ended). */
  public boolean refused() {
    return refused;
  }

  public boolean isRunning() {
    return worker.isAlive();
  }

  @Override
  public void close() {
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
    }
    WireClient c = current;
    if (c != null) {
      c.close(); // a blocked read ends at once
    }
    worker.close();
  }

  private void run() {
    LogSpan.enter(
            "lsn_lease_bg_task",
            LogSpan.Field.bare("tenant_id", tenantId),
            LogSpan.Field.bare("timeline_id", timelineId),
            LogSpan.Field.bare("lsn", lsn))
        .run(this::renewUntilStopped);
  }

  private void renewUntilStopped() {
    try {
      while (!isStopped()) {
        OptionalLong granted = acquireWithRetry();
        if (granted == null) {
          return;
        }
        if (granted.isEmpty()) {
          refused = true;
          Log.warn("Permanent error: lease could not be obtained, LSN is behind the GC cutoff");
          return;
        }
        validUntil = granted.getAsLong();
        long sleep = sleepAfterGrant(granted.getAsLong() - clockMillis.getAsLong());
        Log.info("Request succeeded, sleeping for " + sleep / 1000 + " seconds");
        waitUnlessWoken(sleep, lastAttemptWakeups);
      }
    } finally {
      Log.info("LSN lease renewal stopped");
    }
  }

  long sleepAfterGrant(long validMillis) {
    long valid = Math.max(0, validMillis);
    long sleep = Math.max(valid - timing.renewMargin().toMillis(), valid / 2);
    return Math.max(sleep, timing.minRenewal().toMillis());
  }

  /** The lease answer, or null when stopped. */
  private OptionalLong acquireWithRetry() {
    double retryMillis = timing.initialRetry().toMillis();
    for (long attempt = 0; !isStopped(); attempt++) {
      long seen = wakeups();
      lastAttemptWakeups = seen;
      try {
        return tryOnce();
      } catch (RuntimeException e) {
        if (isStopped()) {
          return null;
        }
        Log.warn(
            "Failed to acquire lsn lease: "
                + ComputeCtlException.chain(e)
                + " (attempt "
                + attempt
                + ")");
        waitUnlessWoken((long) retryMillis, seen);
        retryMillis =
            Math.min(retryMillis * timing.retryGrowth(), (double) timing.maxRetry().toMillis());
      }
    }
    return null;
  }

  private OptionalLong tryOnce() {
    ParsedSpec s = spec.get();
    if (s == null) {
      throw new ComputeCtlException("no spec to read the pageserver connection string from");
    }
    lastConnstr = s.pageserverConnstr();
    return LeaseRequest.acquire(
        s.pageserverConnstr(),
        s.spec().storageAuthToken(),
        tenantId,
        timelineId,
        lsn,
        timing.connectTimeout(),
        timing.readTimeout(),
        c -> current = c);
  }

  private boolean isStopped() {
    synchronized (lock) {
      return stopped;
    }
  }

  /** How many times the renewal was woken early (a test's evidence that a change did not). */
  long wakeups() {
    synchronized (lock) {
      return wakeups;
    }
  }

  /**
   * Sleeps up to {@code millis}, returning early on {@link #close()} or when {@link #wake()} was
   * called since {@code seen} was read (a change during the request is not lost).
   */
  private void waitUnlessWoken(long millis, long seen) {
    synchronized (lock) {
      long deadline = System.nanoTime() + millis * 1_000_000;
      while (!stopped && wakeups == seen) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopped = true;
          return;
        }
      }
    }
  }
}
