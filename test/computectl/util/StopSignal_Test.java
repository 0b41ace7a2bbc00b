package computectl.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopSignal_Test {
  @Test
  void sleep_returnsTrueWhenTheTimePasses() {
    StopSignal s = new StopSignal();
    long t0 = System.nanoTime();
    assertTrue(s.sleep(Duration.ofMillis(50)));
    assertTrue(System.nanoTime() - t0 >= 45_000_000L, "slept too briefly");
    assertFalse(s.isStopped());
  }

  @Test
  void sleep_endsEarlyWhenStoppedMeanwhile() throws InterruptedException {
    StopSignal s = new StopSignal();
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              s.stop();
            },
            "stop-signal-test-stopper");
    stopper.start();
    // False: the stop, not the 30 s passing, ended the sleep.
    assertFalse(s.sleep(Duration.ofSeconds(30)), "the stop did not wake the sleep");
    stopper.join();
  }

  @Test
  void sleep_returnsFalseAtOnceAfterAStop() {
    StopSignal s = new StopSignal();
    s.stop();
    assertTrue(s.isStopped());
    assertFalse(s.sleep(Duration.ofSeconds(30)));
  }

  @Test
  void sleep_returnsFalseWhenInterrupted() {
    StopSignal s = new StopSignal();
    Thread.currentThread().interrupt();
    try {
      assertFalse(s.sleep(Duration.ofSeconds(30)));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt must be kept");
    } finally {
      Thread.interrupted();
    }
  }
}
