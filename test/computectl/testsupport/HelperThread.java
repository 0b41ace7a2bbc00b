package computectl.testsupport;

/**
 * A test's helper thread whose failure is the test's failure: {@link #join()} rethrows what the
 * body threw, so that a broken helper shows its own error instead of a later, unrelated one (a null
 * result, a timeout) in the test thread.
 */
public final class HelperThread {
  /** A helper's body; it may throw anything. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private final Thread thread;
  private volatile Throwable failure;

  private HelperThread(String name, Body body) {
    this.thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable t) {
                failure = t;
              }
            },
            name);
    this.thread.setDaemon(true);
  }

  /** Starts {@code body} on a daemon thread called {@code name}. */
  public static HelperThread start(String name, Body body) {
    HelperThread h = new HelperThread(name, body);
    h.thread.start();
    return h;
  }

  /** Waits for the body to end; fails with the body's own exception when it threw. */
  public void join() throws InterruptedException {
    thread.join(Await.DEFAULT_LIMIT.toMillis());
    if (thread.isAlive()) {
      throw new AssertionError("helper thread " + thread.getName() + " did not end");
    }
    Throwable t = failure;
    if (t != null) {
      throw new AssertionError("helper thread " + thread.getName() + " failed: " + t, t);
    }
  }
}
