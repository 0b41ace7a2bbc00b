package computectl.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // a warm-up that ignored cancel would hang close()
class StartPathWarmup_Test {
  @TempDir Path scratchParent;

  private static void awaitRounds(StartPathWarmup w, int rounds) throws InterruptedException {
    while (w.roundsDone() < rounds) {
      Thread.sleep(10);
    }
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  @Test
  void runsEveryRoundThenRemovesItsScratchDirectory() throws Exception {
    StartPathWarmup w = StartPathWarmup.start(2, scratchParent);
    awaitRounds(w, 2);
    w.close();
    assertEquals(2, w.roundsDone());
    assertTrue(isEmpty(scratchParent), "scratch directory left behind");
  }

  @Test
  void cancelStopsItMidWayAndItCleansUp() throws Exception {
    StartPathWarmup w = StartPathWarmup.start(100_000, scratchParent);
    awaitRounds(w, 1);
    w.cancel();
    w.close();
    assertTrue(w.roundsDone() < 100_000, "ran all rounds despite cancel");
    assertTrue(isEmpty(scratchParent), "scratch directory left behind");
  }

  @Test
  void cancelBeforeItGetsGoingEndsItToo() throws Exception {
    StartPathWarmup w = StartPathWarmup.start(100_000, scratchParent);
    w.cancel();
    w.close();
    assertFalse(w.roundsDone() >= 100_000);
    assertTrue(isEmpty(scratchParent), "scratch directory left behind");
  }
}
