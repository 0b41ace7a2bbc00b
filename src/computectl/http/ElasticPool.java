package computectl.http;

import computectl.util.NamedThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread pool of one API server: small while requests flow, larger while handlers are stuck.
 *
 * <p>Requests reach the pool only once they have arrived whole, so a slow client never holds a
 * thread; a slow handler can (a database that does not answer, a download, a dump streamed to a
 * client that reads slowly), and a fixed pool would let a few of those hold /status back. A pool
 * that gives every request its own thread runs hundreds of threads on a couple of cores under a
 * flood of quick requests, which costs throughput, tail latency and memory. So this pool queues
 * work for its {@code base} threads, and a watcher adds threads (up to {@code most}) only when
 * queued work has stopped moving: when no thread has taken a task for {@link #STALL_MILLIS} while
 * some wait, by at most {@code base} threads at a time. Under load, however heavy, threads keep
 * taking tasks and the pool stays at its base. Threads beyond the base go back to waiting, and end
 * after {@link #SPARE_SECONDS} without work.
 */
final class ElasticPool implements Executor, AutoCloseable {
  /**
   * Long enough that a busy machine (a GC pause, CPU taken by other processes, a log write that
   * waits for its reader) is not taken for stuck handlers: at 100 ms, 200 connections asking for
   * /metrics on a loaded 2-core machine grew the pool. Short enough that /status waits behind stuck
   * handlers for half a second at most.
   */
  static final long STALL_MILLIS = 500;

  static final long SPARE_SECONDS = 30;
  static final long IDLE_CHECK_MILLIS = 1000;

  private final ThreadPoolExecutor pool;
  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final int base;
  private final int most;
  private final Thread watcher;
  private volatile long lastTaken = System.nanoTime();

  /** The watcher is in its long park: work queued now must wake it. */
  private volatile boolean watcherIdle;

  ElasticPool(String name, int base, int most) {
    this.base = base;
    this.most = Math.max(base, most);
    this.pool =
        new ThreadPoolExecutor(
            base, this.most, SPARE_SECONDS, TimeUnit.SECONDS, queue, NamedThreads.daemon(name));
    pool.allowCoreThreadTimeOut(true);
    this.watcher = new Thread(this::watch, name + "-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(
        () -> {
          lastTaken = System.nanoTime();
          task.run();
        });
    if (watcherIdle && !queue.isEmpty()) {
      LockSupport.unpark(watcher);
    }
  }

  /** Threads alive now (for tests and logs). */
  int threads() {
    return pool.getPoolSize();
  }

  /**
   * Checks every {@link #STALL_MILLIS} while work is queued; with nothing queued it parks for a
   * second at a time (until {@link #execute} queues work), so an idle compute is not woken 50 times
   * a second.
   */
  private void watch() {
    while (!pool.isShutdown() && !Thread.currentThread().isInterrupted()) {
      boolean idle = queue.isEmpty();
      watcherIdle = idle;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(idle ? IDLE_CHECK_MILLIS : STALL_MILLIS));
      watcherIdle = false;
      // Woken from the long park, work has only just been queued: judge it a period later.
      adjust(!idle);
    }
  }

  private void adjust(boolean mayGrow) {
    int waiting = queue.size();
    boolean stalled =
        mayGrow
            && waiting > 0
            && System.nanoTime() - lastTaken > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
    if (stalled && pool.getCorePoolSize() < most) {
      // A larger core starts threads for the queued tasks at once; at most a base's worth each
      // period, so that one long pause does not take the pool to its most.
      pool.setCorePoolSize(Math.min(most, pool.getPoolSize() + Math.min(waiting, base)));
    } else if (waiting == 0 && pool.getCorePoolSize() > base) {
      pool.setCorePoolSize(base);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    watcher.interrupt();
  }
}
