package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TempOverride_Test {
  @Test
  void run_contentIsPresentDuringWorkAndEmptyAfter() throws Exception {
    Path dir = Files.createTempDirectory("override-");
    Path file = dir.resolve("compute_ctl_temp_override.conf");
    Files.writeString(file, "old content that is longer than the new one\n");
    AtomicReference<String> seen = new AtomicReference<>();
    TempOverride.run(dir, TempOverride.NO_SIZE_LIMIT, () -> seen.set(read(file)));
    assertEquals("neon.max_cluster_size=-1", seen.get());
    assertTrue(Files.exists(file));
    assertEquals(0, Files.size(file));
    PgData.deleteTree(dir);
  }

  @Test
  void writeThenRunThenEmpty_contentIsPresentDuringWorkAndEmptyAfter() throws Exception {
    Path dir = Files.createTempDirectory("override-");
    Path file = dir.resolve(TempOverride.FILE_NAME);
    TempOverride.write(dir, TempOverride.NO_SIZE_LIMIT);
    assertEquals("neon.max_cluster_size=-1", read(file), "written before the work starts");
    AtomicReference<String> seen = new AtomicReference<>();
    TempOverride.runThenEmpty(dir, () -> seen.set(read(file)));
    assertEquals("neon.max_cluster_size=-1", seen.get());
    assertEquals(0, Files.size(file));
    PgData.deleteTree(dir);
  }

  @Test
  void run_emptiesTheFileWhenTheWorkFails() throws Exception {
    Path dir = Files.createTempDirectory("override-");
    RuntimeException boom = new PgException("boom");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                TempOverride.run(
                    dir,
                    "a=1",
                    () -> {
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertEquals(0, Files.size(dir.resolve(TempOverride.FILE_NAME)));
    PgData.deleteTree(dir);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
