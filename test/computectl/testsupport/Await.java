package computectl.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for an event by polling with a generous limit, instead of a fixed sleep that guesses how
 * long the event takes: fast when the machine is idle, still correct when it is loaded.
 */
public final class Await {
  /** The limit for events that take milliseconds on an idle machine. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

  private static final long POLL_MILLIS = 10;

  private Await() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code limit}. */
  public static void until(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + limit + " waiting for " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** {@link #until(String, Duration, BooleanSupplier)} with {@link #DEFAULT_LIMIT}. */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    until(what, DEFAULT_LIMIT, condition);
  }
}
