package computectl.compute;

import computectl.metrics.StartupMetrics;
import computectl.spec.ParsedSpec;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The compute's shared state and its state machine (behaviour.md 4): the only place where the
 * status changes. Every change is checked against the allowed transitions, logged, wakes the
 * waiters and is passed to the listeners (metrics, HTTP waiters, monitor).
 */
public final class ComputeNode {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private final StartupMetrics metrics = new StartupMetrics();
  private final Clock clock;

  private ComputeStatus status = ComputeStatus.EMPTY;
  private String error;
  private Instant startTime;
  private Instant lastActive;
  private ParsedSpec spec;

  public ComputeNode(Clock clock) {
    this.clock = clock;
    this.startTime = clock.instant();
  }

  public ComputeNode() {
    this(Clock.systemUTC());
  }

  public void addListener(StatusListener l) {
    listeners.add(l);
  }

  public StartupMetrics metrics() {
    return metrics;
  }

  public Clock clock() {
    return clock;
  }

  public ComputeSnapshot state() {
    lock.lock();
    try {
      return new ComputeSnapshot(status, error, startTime, lastActive, spec);
    } finally {
      lock.unlock();
    }
  }

  public ComputeStatus status() {
    lock.lock();
    try {
      return status;
    } finally {
      lock.unlock();
    }
  }

  public ParsedSpec spec() {
    lock.lock();
    try {
      return spec;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves to {@code next}; throws {@link ComputeCtlException} for a transition that behaviour.md
   * 4.2 does not list.
   */
  public void setStatus(ComputeStatus next) {
    transition(s -> true, next, null, null);
  }

  /** Moves to Failed and records the error text shown by {@code /status}. */
  public void fail(String errorText) {
    transition(s -> true, ComputeStatus.FAILED, errorText, null);
  }

  /**
   * Atomically: if the current status passes {@code guard}, store {@code newSpec} (when non-null)
   * and move to {@code next}. Returns the status seen; the change happened only if it passed.
   */
  public ComputeStatus transitionIf(
      Predicate<ComputeStatus> guard, ComputeStatus next, ParsedSpec newSpec) {
    return transition(guard, next, null, newSpec);
  }

  private ComputeStatus transition(
      Predicate<ComputeStatus> guard, ComputeStatus next, String errorText, ParsedSpec newSpec) {
    ComputeStatus from;
    lock.lock();
    try {
      from = status;
      if (!guard.test(from)) {
        return from;
      }
      if (!from.canMoveTo(next)) {
        throw new ComputeCtlException(
            "invalid compute status transition from " + from + " to " + next);
      }
      status = next;
      if (errorText != null) {
        error = errorText;
      }
      if (newSpec != null) {
        spec = newSpec;
      }
      changed.signalAll();
      Log.info("Changing compute status from " + from + " to " + next);
      // Under the lock, so listeners see changes in the order they happened.
      for (StatusListener l : listeners) {
        l.statusChanged(from, next);
      }
    } finally {
      lock.unlock();
    }
    return from;
  }

  /** Sets the spec without a status change (start-up with a spec from the command line). */
  public void setSpec(ParsedSpec newSpec) {
    lock.lock();
    try {
      spec = newSpec;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Upstream resets {@code start_time} when a pooled compute receives its spec. */
  public void resetStartTime() {
    lock.lock();
    try {
      startTime = clock.instant();
    } finally {
      lock.unlock();
    }
  }

  /** Moves {@code last_active} forward only. */
  public void updateLastActive(Instant candidate) {
    if (candidate == null) {
      return;
    }
    lock.lock();
    try {
      if (lastActive == null || candidate.isAfter(lastActive)) {
        lastActive = candidate;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the status passes {@code until}, at most {@code timeout} (null: no limit). Returns
   * the status seen last.
   */
  public ComputeStatus await(Predicate<ComputeStatus> until, Duration timeout)
      throws InterruptedException {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!until.test(status)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(Math.min(left, Duration.ofSeconds(1).toNanos()));
      }
      return status;
    } finally {
      lock.unlock();
    }
  }
}
