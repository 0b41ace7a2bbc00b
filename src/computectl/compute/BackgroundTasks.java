package computectl.compute;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Fire-and-forget work (migrations, {@code ALTER EXTENSION neon UPDATE}, installed-extensions
 * collection): each task runs on a named thread, its failure is logged, never thrown. The owner
 * stops them at exit.
 */
public final class BackgroundTasks implements AutoCloseable {
  private final ExecutorService pool =
      Executors.newCachedThreadPool(NamedThreads.daemon("background"));

  public void spawn(String name, Runnable task) {
    pool.execute(
        () -> {
          String previous = Thread.currentThread().getName();
          Thread.currentThread().setName(name);
          try {
            task.run();
          } catch (ComputeCtlException e) {
            Log.error(name + " failed: " + ComputeCtlException.chain(e));
          } catch (RuntimeException e) {
            Log.error(name + " failed unexpectedly: " + e);
          } finally {
            Thread.currentThread().setName(previous);
          }
        });
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
