package computectl.util;

import java.time.Duration;

/**
 * Tells a background loop to stop and cuts its sleeps short: the loop sleeps with {@link
 * #sleep(Duration)} and ends when that returns false; its owner calls {@link #stop()}. Unlike
 * {@link Thread#sleep(long)} plus interrupts, a stop that comes before the sleep is not lost.
 */
public final class StopSignal {
  private final Object lock = new Object();
  private boolean stopped;

  /**
   * Sleeps for {@code d}; false (at once) when stopped before or during the sleep, or interrupted.
   */
  public boolean sleep(Duration d) {
    synchronized (lock) {
      long deadline = System.nanoTime() + d.toNanos();
      while (!stopped) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
          return true;
        }
        try {
          lock.wait(leftMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }
  }

  public void stop() {
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
    }
  }

  public boolean isStopped() {
    synchronized (lock) {
      return stopped;
    }
  }
}
