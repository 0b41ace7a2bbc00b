package computectl.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * compute_ctl's threads other than the {@link Worker} loops (one-shot helpers, pumps, pools): every
 * one named for its owner, none keeps the JVM up.
 */
public final class NamedThreads {
  private NamedThreads() {}

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      return daemon(prefix + "-" + n.incrementAndGet(), r);
    };
  }

  /** A daemon thread named {@code name} running {@code body}, not yet started. */
  public static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** {@link #daemon(String, Runnable)}, started. */
  public static Thread start(String name, Runnable body) {
    Thread t = daemon(name, body);
    t.start();
    return t;
  }

  /**
   * Waits for {@code t} to end, even through interrupts (an owner closing what it started must not
   * return while it still runs); the interrupt is kept for the caller.
   */
  public static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
