package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChildProcesses_Test {
  @Test
  void killAll_killsWhatTheChildStartedToo() throws Exception {
    ChildProcesses children = new ChildProcesses();
    // A wrapper whose sleep would outlive it if only the wrapper were killed.
    Process shell =
        children.register("wrapper", new ProcessBuilder("sh", "-c", "sleep 600 & wait").start());
    List<ProcessHandle> started = awaitDescendants(shell);
    assertEquals(1, started.size(), started.toString());
    children.killAll();
    assertTrue(shell.waitFor(10, TimeUnit.SECONDS));
    ProcessHandle sleep = started.get(0);
    assertTrue(sleep.onExit().get(10, TimeUnit.SECONDS) != null);
    assertFalse(sleep.isAlive(), "the wrapper's sleep was left running");
  }

  @Test
  void find_returnsTheLiveChildOfThatName() throws Exception {
    ChildProcesses children = new ChildProcesses();
    Process p = children.register("sleeper", new ProcessBuilder("sleep", "600").start());
    try {
      assertEquals(p, children.find("sleeper"));
      assertEquals(null, children.find("other"));
    } finally {
      children.killAll();
    }
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void start_afterKillAll_startsNothing() throws Exception {
    ChildProcesses children = new ChildProcesses();
    Process first = children.start("sleeper", new ProcessBuilder("sleep", "600"));
    children.killAll();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    java.io.IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () -> children.start("sync", new ProcessBuilder("sleep", "600")));
    assertEquals("not starting sync: compute_ctl is shutting down", e.getMessage());
    assertEquals(null, children.find("sync"));
  }

  private static List<ProcessHandle> awaitDescendants(Process p) throws InterruptedException {
    for (int i = 0; i < 3000; i++) { // 30 s: generous for a loaded machine
      List<ProcessHandle> d = p.descendants().toList();
      if (!d.isEmpty()) {
        return d;
      }
      Thread.sleep(10);
    }
    return List.of();
  }
}
