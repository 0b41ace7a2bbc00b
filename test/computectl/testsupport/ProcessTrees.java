package computectl.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process and everything it started, for the tests that run whole commands (make, a
 * container engine) whose own children would outlive them: SIGTERM to every one of them (the demo
 * and compute_ctl stop Postgres on it), SIGKILL to whatever has not exited after the grace period.
 */
public final class ProcessTrees {
  private ProcessTrees() {}

  public static void stop(Process process, long graceSeconds) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
    try {
      for (ProcessHandle h : tree) {
        try {
          h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          h.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      tree.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }
}
