package computectl.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

  /**
   * The shared-memory file system first: files deleted on the disk just before a start would slow
   * the start's own file creation (see defaultScratchParent).
   */
  @Test
  void scratchParent_isTheSettingElseSharedMemoryElseTheTemporaryDirectory() {
    assertEquals(
        Path.of("/var/tmp/w"),
        StartPathWarmup.defaultScratchParent(Map.of("COMPUTE_CTL_WARMUP_DIR", "/var/tmp/w")));
    Path shm = Path.of("/dev/shm");
    Path expected =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? shm
            : Path.of(System.getProperty("java.io.tmpdir"));
    assertEquals(expected, StartPathWarmup.defaultScratchParent(Map.of()));
    assertEquals(
        expected, StartPathWarmup.defaultScratchParent(Map.of("COMPUTE_CTL_WARMUP_DIR", "")));
  }

  @Test
  void runsEveryRoundThenRemovesItsScratchDirectory() throws Exception {
    StartPathWarmup w = StartPathWarmup.start(2, scratchParent);
    awaitRounds(w, 2);
    w.close();
    assertEquals(2, w.roundsDone());
    assertTrue(isEmpty(scratchParent), "scratch directory left behind");
  }

  /** The start from a spec file runs this beside the Postgres start: one round, no files. */
  @Test
  void sqlOnly_runsOneRoundOfSpecAndSql() throws Exception {
    StartPathWarmup w = StartPathWarmup.startSqlOnly();
    awaitRounds(w, 1);
    w.close();
    assertEquals(1, w.roundsDone());
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
