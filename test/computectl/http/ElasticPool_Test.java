package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ElasticPool_Test {
  @Test
  void quickTasks_stayOnTheBaseThreads() throws Exception {
    try (ElasticPool pool = new ElasticPool("t-quick", 2, 50)) {
      CountDownLatch done = new CountDownLatch(20_000);
      for (int i = 0; i < 20_000; i++) {
        pool.execute(done::countDown);
      }
      assertTrue(done.await(30, TimeUnit.SECONDS));
      assertEquals(2, pool.threads());
    }
  }

  @Test
  void stuckThreads_theNextTaskStillRuns_andThePoolNeverPassesItsMost() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ElasticPool pool = new ElasticPool("t-stuck", 2, 5)) {
      AtomicInteger started = new AtomicInteger();
      for (int i = 0; i < 4; i++) {
        pool.execute(
            () -> {
              started.incrementAndGet();
              await(release);
            });
      }
      CountDownLatch quick = new CountDownLatch(1);
      pool.execute(quick::countDown);
      assertTrue(quick.await(10, TimeUnit.SECONDS), "a task behind stuck ones never ran");
      assertEquals(4, started.get());
      // Five threads are taken by five stuck tasks; a sixth task waits for one of them.
      pool.execute(() -> await(release));
      CountDownLatch waiting = new CountDownLatch(1);
      pool.execute(waiting::countDown);
      assertFalse(waiting.await(300, TimeUnit.MILLISECONDS), "ran on a thread beyond the most");
      assertEquals(5, pool.threads());
      release.countDown();
      assertTrue(waiting.await(10, TimeUnit.SECONDS));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
