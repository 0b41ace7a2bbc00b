package computectl.util;

import java.time.Duration;

/**
 * A background loop owned by one object: a named daemon thread that its owner starts and stops. The
 * body runs until it returns or sees {@link #stopped()}; it sleeps with {@link #sleep}, which a
 * stop cuts short. {@link #stop()} also interrupts the thread, so a body blocked in a wait ends
 * too.
 */
public final class Worker implements AutoCloseable {
  /** How long {@link #close()} waits for the thread to end. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** The loop; it returns when done or when the worker is stopped. */
  @FunctionalInterface
  public interface Body {
    void run(Worker worker) throws InterruptedException;
  }

  private final Thread thread;
  private final StopSignal stop = new StopSignal();

  public Worker(String name, Body body) {
    this.thread =
        new Thread(
            () -> {
              try {
                body.run(this);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    thread.setDaemon(true);
  }

  /** A worker that runs {@code round}, then sleeps {@code interval}, until stopped. */
  public static Worker every(String name, Duration interval, Runnable round) {
    return new Worker(
        name,
        w -> {
          do {
            round.run();
          } while (w.sleep(interval));
        });
  }

  public Worker start() {
    thread.start();
    return this;
  }

  /** Sleeps for {@code d}; false (at once) when stopped before or during the sleep. */
  public boolean sleep(Duration d) {
    return stop.sleep(d);
  }

  public boolean stopped() {
    return stop.isStopped();
  }

  /** Asks the body to end: wakes its sleeps and interrupts its waits; does not wait. */
  public void stop() {
    stop.stop();
    thread.interrupt();
  }

  /** Whether the thread ended within {@code d}. */
  public boolean join(Duration d) throws InterruptedException {
    thread.join(Math.max(1, d.toMillis()));
    return !thread.isAlive();
  }

  public boolean isAlive() {
    return thread.isAlive();
  }

  public String name() {
    return thread.getName();
  }

  /** Stops the worker and waits a while for its thread to end. */
  @Override
  public void close() {
    stop();
    if (thread == Thread.currentThread()) {
      return;
    }
    try {
      join(CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
