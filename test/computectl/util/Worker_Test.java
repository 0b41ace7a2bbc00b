package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class Worker_Test {
  @Test
  void every_runsRoundsOnANamedDaemonThreadUntilClosed() throws InterruptedException {
    AtomicInteger rounds = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    AtomicReference<Thread> seen = new AtomicReference<>();
    Worker w =
        Worker.every(
            "test-every",
            Duration.ofMillis(1),
            () -> {
              seen.set(Thread.currentThread());
              rounds.incrementAndGet();
              three.countDown();
            });
    w.start();
    assertTrue(three.await(30, TimeUnit.SECONDS));
    w.close();
    assertFalse(w.isAlive());
    assertEquals("test-every", seen.get().getName());
    assertTrue(seen.get().isDaemon());
    int after = rounds.get();
    assertFalse(w.sleep(Duration.ofHours(1)), "a stopped worker does not sleep");
    assertEquals(after, rounds.get());
  }

  @Test
  void close_cutsALongSleepShort() throws InterruptedException {
    CountDownLatch sleeping = new CountDownLatch(1);
    Worker w =
        new Worker(
            "test-sleep",
            self -> {
              sleeping.countDown();
              self.sleep(Duration.ofHours(1));
            });
    w.start();
    assertTrue(sleeping.await(30, TimeUnit.SECONDS));
    w.close();
    assertFalse(w.isAlive());
  }

  @Test
  void stop_interruptsABlockingWait() throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<Boolean> interrupted = new AtomicReference<>(false);
    Worker w =
        new Worker(
            "test-wait",
            self -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.set(true);
              }
            });
    w.start();
    w.stop();
    assertTrue(w.join(Duration.ofSeconds(30)));
    assertTrue(interrupted.get());
  }
}
