package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalTraps_Test {
  /** WINCH: ignored by default, so trapping it in the test JVM changes nothing else. */
  @Test
  void trap_callsTheHandlerWithTheSignalName() throws Exception {
    BlockingQueue<String> caught = new LinkedBlockingQueue<>();
    assertTrue(SignalTraps.trap("WINCH", caught::add));
    Process kill =
        new ProcessBuilder("kill", "-WINCH", Long.toString(ProcessHandle.current().pid()))
            .inheritIO()
            .start();
    assertEquals(0, kill.waitFor());
    assertEquals("WINCH", caught.poll(30, TimeUnit.SECONDS));
  }

  @Test
  void trap_refusesASignalTheJvmKeeps() {
    assertFalse(SignalTraps.trap("QUIT", name -> {}));
  }
}
