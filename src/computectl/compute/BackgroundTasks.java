package computectl.compute;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.util.ArrayList;
import java.util.List;
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

  /** The spawns {@link #defer}red until {@link #spawnDeferred}. */
  private final List<Runnable> deferred = new ArrayList<>();

  /**
   * Keeps {@code task} to be spawned by {@link #spawnDeferred}: work a start leaves for after
   * Running, whose threads would otherwise compete with the start's last steps for the compute's
   * couple of cores while it is on the clock.
   */
  public void defer(String name, Runnable task) {
    synchronized (deferred) {
      deferred.add(() -> spawn(name, task));
    }
  }

  /** Spawns what was {@link #defer}red, in that order. */
  public void spawnDeferred() {
    List<Runnable> spawns;
    synchronized (deferred) {
      spawns = new ArrayList<>(deferred);
      deferred.clear();
    }
    spawns.forEach(Runnable::run);
  }

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
