package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write buffers outlive an extraction, are reused by the next, and go on release. */
class SpareBuffers_Test {
  @TempDir Path tmp;

  @Test
  void extract_reusesTheBuffersOfTheLastExtractionUntilReleased() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      w.writeFile("f", 0600, 1_700_000_000L, new byte[] {1, 2, 3});
    }
    byte[] archive = out.toByteArray();
    TarExtractor.releaseSpareBuffers();
    TarExtractor.extract(
        new ByteArrayInputStream(archive), Files.createDirectory(tmp.resolve("a")));
    // A file of three bytes needs one buffer: the writer makes them only as it falls behind.
    assertEquals(1, SpareBuffers.kept(), "an extraction keeps its buffers");
    TarExtractor.extract(
        new ByteArrayInputStream(archive), Files.createDirectory(tmp.resolve("b")));
    assertEquals(1, SpareBuffers.kept(), "the next one took it instead of allocating another");
    TarExtractor.releaseSpareBuffers();
    assertEquals(0, SpareBuffers.kept());
  }
}
