package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deferred background work waits for spawnDeferred, and then runs on threads of its name. */
class BackgroundTasks_Test {
  @Test
  void deferred_runsOnlyOnceSpawned_eachOnAThreadOfItsName() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch both = new CountDownLatch(2);
    try (BackgroundTasks background = new BackgroundTasks()) {
      for (String name : List.of("first", "second")) {
        background.defer(
            name,
            () -> {
              ran.add(Thread.currentThread().getName());
              both.countDown();
            });
      }
      // Nothing runs before spawnDeferred: the latch cannot reach zero (no thread was started).
      assertEquals(2, both.getCount());
      assertTrue(ran.isEmpty());
      background.spawnDeferred();
      assertTrue(both.await(30, TimeUnit.SECONDS));
      assertEquals(List.of("first", "second"), ran.stream().sorted().toList());
      background.spawnDeferred(); // spawned once: nothing is left to spawn
    }
    assertEquals(2, ran.size());
  }
}
