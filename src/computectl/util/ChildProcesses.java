package computectl.util;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every child process compute_ctl starts is registered here under a name, so that shutdown and
 * signal handling can reach it. Signals other than TERM/KILL are sent with {@code kill}.
 */
public final class ChildProcesses {
  private final Map<Long, Entry> children = new ConcurrentHashMap<>();

  private record Entry(String name, Process process) {}

  /** Set by {@link #killAll}: from then on nothing new is started. Guarded by this. */
  private boolean closed;

  /**
   * Starts {@code pb} and registers the process in one step, so that a {@link #killAll} running at
   * the same time (a termination signal) either sees the process or keeps it from starting.
   *
   * @throws IOException it could not start, or compute_ctl is shutting down
   */
  public synchronized Process start(String name, ProcessBuilder pb) throws IOException {
    if (closed) {
      throw new IOException("not starting " + name + ": compute_ctl is shutting down");
    }
    return register(name, pb.start());
  }

  public Process register(String name, Process p) {
    children.put(p.pid(), new Entry(name, p));
    // The stage thenRun returns is of no use: forgetting the process is all there is to it.
    var unused = p.onExit().thenRun(() -> children.remove(p.pid()));
    return p;
  }

  public List<Process> all() {
    return children.values().stream().map(Entry::process).toList();
  }

  public Process find(String name) {
    return children.values().stream()
        .filter(e -> e.name.equals(name))
        .map(Entry::process)
        .filter(Process::isAlive)
        .findFirst()
        .orElse(null);
  }

  /** Sends {@code signal} (INT, TERM, QUIT, HUP, KILL) to {@code pid}; false when it could not. */
  public static boolean signal(long pid, String signal) {
    if (signal.equals("TERM") || signal.equals("KILL")) {
      var h = ProcessHandle.of(pid);
      if (h.isEmpty()) {
        return false;
      }
      return signal.equals("TERM") ? h.get().destroy() : h.get().destroyForcibly();
    }
    for (String kill : List.of("/bin/kill", "/usr/bin/kill")) {
      if (new java.io.File(kill).canExecute()) {
        try {
          Process k =
              new ProcessBuilder(kill, "-s", signal, Long.toString(pid))
                  .redirectErrorStream(true)
                  .start();
          k.getInputStream().readAllBytes();
          return k.waitFor(5, TimeUnit.SECONDS) && k.exitValue() == 0;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  /**
   * SIGTERM, then SIGKILL when it has not exited within {@code graceSeconds}; waits up to {@code
   * killWaitSeconds} for the killed process.
   */
  public static void stop(Process process, long graceSeconds, long killWaitSeconds)
      throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(killWaitSeconds, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Last resort at exit: SIGKILL whatever is still registered and alive, with everything it started
   * (listed before the parent dies: its orphans would no longer be its descendants).
   */
  public void killAll() {
    synchronized (this) {
      closed = true;
    }
    for (Process p : all()) {
      if (p.isAlive()) {
        Log.warn("killing leftover child process " + p.pid());
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }
}
