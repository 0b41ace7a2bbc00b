package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams that never end, and the remaining hostile cases of docs/reliability.md that the other tar
 * tests do not name: every endless stream is cut by a limit (entries, total size, extension
 * headers, data after the archive) with a message, long before memory or disk run out, and a pax
 * header that renames an entry through a symlink, or a duplicate that turns a symlink back into a
 * file, never writes outside.
 */
class TarExtractorEndless_Test {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path root;
  Path dest;
  Path canary;

  @BeforeEach
  void setUp() throws IOException {
    dest = Files.createDirectories(root.resolve("dest"));
    canary = Files.createDirectories(root.resolve("canary"));
    Files.writeString(canary.resolve("secret"), "secret");
  }

  interface Body {
    void write(TarWriter w) throws IOException;
  }

  /** The archive bytes without the end-of-archive marker (its two zero blocks). */
  private static byte[] entries(Body body) throws IOException {
    byte[] all = archive(body);
    return Arrays.copyOf(all, all.length - 1024);
  }

  private static byte[] archive(Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  /** {@code prefix}, then {@code unit} over and over, forever; counts what was read. */
  static final class EndlessStream extends InputStream {
    private final byte[] prefix;
    private final byte[] unit;
    private long pos;

    EndlessStream(byte[] prefix, byte[] unit) {
      this.prefix = prefix;
      this.unit = unit;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      read(one, 0, 1);
      return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        long p = pos++;
        b[off + i] =
            p < prefix.length ? prefix[(int) p] : unit[(int) ((p - prefix.length) % unit.length)];
      }
      return len;
    }

    long bytesRead() {
      return pos;
    }
  }

  private TarException refusedWithin(InputStream in, ExtractLimits limits) {
    return assertTimeoutPreemptively(
        BOUND,
        () -> assertThrows(TarException.class, () -> TarExtractor.extract(in, dest, limits)));
  }

  private void assertNothingOutside() throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      assertEquals(2, s.count(), "only dest and canary in the parent");
    }
    try (Stream<Path> s = Files.list(canary)) {
      assertEquals(1, s.count());
    }
    assertEquals("secret", Files.readString(canary.resolve("secret")));
  }

  @Test
  void extract_endlessEntriesStopAtTheEntryLimit() throws IOException {
    byte[] unit = entries(w -> w.writeFile("again", 0644, 0, new byte[0]));
    EndlessStream in = new EndlessStream(new byte[0], unit);
    TarException e = refusedWithin(in, ExtractLimits.DEFAULTS.withMaxEntries(5000));
    assertEquals("tar entry again: the archive has more than 5000 entries", e.getMessage());
    assertTrue(
        in.bytesRead() < 6000L * unit.length, "stopped at the limit, read " + in.bytesRead());
    assertNothingOutside();
  }

  @Test
  void extract_endlessFileContentStopsAtTheTotalSizeLimit() throws IOException {
    byte[] unit = entries(w -> w.writeFile("chunk", 0644, 0, new byte[64 << 10]));
    EndlessStream in = new EndlessStream(new byte[0], unit);
    TarException e = refusedWithin(in, ExtractLimits.DEFAULTS.withMaxTotalBytes(8L << 20));
    assertEquals(
        "tar entry chunk: the archive's files exceed the limit of 8388608 bytes in all",
        e.getMessage());
    assertTrue(Files.size(dest.resolve("chunk")) <= 64 << 10);
    assertNothingOutside();
  }

  @Test
  void extract_endlessDataAfterTheArchiveStopsAtTheTrailingLimit() throws IOException {
    byte[] tar = archive(w -> w.writeFile("f", 0644, 0, "x".getBytes(StandardCharsets.UTF_8)));
    EndlessStream in = new EndlessStream(tar, new byte[512]);
    TarException e = refusedWithin(in, ExtractLimits.DEFAULTS);
    assertEquals("more than 1048576 bytes of data after the end-of-archive marker", e.getMessage());
    assertEquals("x", Files.readString(dest.resolve("f")), "the archive itself was extracted");
    assertNothingOutside();
  }

  @Test
  void extract_endlessExtensionHeadersStopAtTheMetadataLimit() throws IOException {
    byte[] pax = entries(w -> w.writePaxHeader(false, Map.of("comment", "c".repeat(400))));
    TarException e = refusedWithin(new EndlessStream(new byte[0], pax), ExtractLimits.DEFAULTS);
    assertTrue(
        e.getMessage()
            .endsWith("extension headers before one entry exceed the limit of 1048576 bytes"),
        e.getMessage());
    byte[] global = entries(w -> w.writePaxHeader(true, Map.of("comment", "g".repeat(400))));
    e = refusedWithin(new EndlessStream(new byte[0], global), ExtractLimits.DEFAULTS);
    assertTrue(
        e.getMessage()
            .endsWith("extension headers before one entry exceed the limit of 1048576 bytes"),
        e.getMessage());
    byte[] longNames = entries(w -> w.writeGnuLongName('L', "n".repeat(300)));
    e = refusedWithin(new EndlessStream(new byte[0], longNames), ExtractLimits.DEFAULTS);
    assertTrue(
        e.getMessage()
            .endsWith("extension headers before one entry exceed the limit of 1048576 bytes"),
        e.getMessage());
    assertNothingOutside();
  }

  @Test
  void extract_globalPaxRecordsCannotGrowWithoutBound() throws IOException {
    int[] n = {0};
    byte[] many =
        entries(
            w -> {
              for (int i = 0; i < 40; i++) {
                w.writePaxHeader(true, Map.of("k" + i, "v".repeat(30_000)));
                w.writeFile("f" + (n[0]++), 0644, 0, new byte[0]);
              }
            });
    TarException e = refusedWithin(new java.io.ByteArrayInputStream(many), ExtractLimits.DEFAULTS);
    assertEquals("pax global headers hold more than 1048576 bytes of records", e.getMessage());
    assertNothingOutside();
  }

  @Test
  void extract_paxRenameThroughAnArchiveSymlinkIsRefused() throws IOException {
    byte[] tar =
        archive(
            w -> {
              w.writeDirectory("inside", 0755, 0);
              w.writeSymlink("link", "inside", 0);
              w.writePaxHeader(false, Map.of("path", "link/evil"));
              w.writeFile("harmless", 0644, 0, "x".getBytes(StandardCharsets.UTF_8));
            });
    TarException e = refusedWithin(new java.io.ByteArrayInputStream(tar), ExtractLimits.DEFAULTS);
    assertEquals("tar entry link/evil: path passes through symlink link", e.getMessage());
    assertTrue(Files.notExists(dest.resolve("inside/evil")));
    assertNothingOutside();
  }

  @Test
  void extract_duplicateTurningASymlinkBackIntoAFileReplacesTheLink() throws IOException {
    Path outsideFile = canary.resolve("secret");
    byte[] tar =
        archive(
            w -> {
              w.writeFile("dup", 0644, 0, "first".getBytes(StandardCharsets.UTF_8));
              HostileEntry.write(w, "dup", '2', "../canary/secret", 0, new byte[0]);
              w.writeSymlink("dup", "other", 0);
              w.writeFile("dup", 0644, 0, "last".getBytes(StandardCharsets.UTF_8));
            });
    TarException e = refusedWithin(new java.io.ByteArrayInputStream(tar), ExtractLimits.DEFAULTS);
    assertEquals(
        "tar entry dup: symlink target ../canary/secret points outside the destination",
        e.getMessage());
    byte[] ok =
        archive(
            w -> {
              w.writeSymlink("dup2", "other", 0);
              w.writeFile("dup2", 0644, 0, "last".getBytes(StandardCharsets.UTF_8));
            });
    TarExtractor.extract(new java.io.ByteArrayInputStream(ok), dest);
    assertTrue(Files.isRegularFile(dest.resolve("dup2"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("last", Files.readString(dest.resolve("dup2")));
    assertEquals("secret", Files.readString(outsideFile));
    assertTrue(
        Arrays.asList(dest.toFile().list()).contains("dup"), "the first duplicate stayed a file");
    assertNothingOutside();
  }
}
