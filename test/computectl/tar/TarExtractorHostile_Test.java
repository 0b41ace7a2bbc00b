package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives for {@link TarExtractor}: each is refused with its exact message, and a canary
 * directory next to the destination proves nothing was written outside.
 */
class TarExtractorHostile_Test {
  @TempDir Path root;
  Path dest;
  Path canary;
  Map<String, String> canaryBefore;

  interface Body {
    void write(TarWriter w) throws IOException;
  }

  @BeforeEach
  void setUp() throws IOException {
    dest = Files.createDirectories(root.resolve("dest"));
    canary = Files.createDirectories(root.resolve("canary"));
    Files.writeString(canary.resolve("secret"), "secret");
    canaryBefore = TarTrees.snapshot(canary);
  }

  private static byte[] tar(Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertRefused(String message, Body body) throws IOException {
    assertRefused(message, ExtractLimits.DEFAULTS, tar(body));
  }

  private void assertRefused(String message, ExtractLimits limits, byte[] tar) throws IOException {
    TarException e =
        assertThrows(
            TarException.class,
            () -> TarExtractor.extract(new ByteArrayInputStream(tar), dest, limits));
    assertEquals(message, e.getMessage());
    assertNothingOutside();
  }

  private void assertNothingOutside() throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      assertEquals(2, s.count(), "only dest and canary in the parent");
    }
    assertEquals(canaryBefore, TarTrees.snapshot(canary), "canary untouched");
  }

  @Test
  void extract_refusesAbsolutePath() throws IOException {
    String abs = canary.resolve("evil").toString();
    assertRefused(
        "tar entry " + abs + ": path is absolute", w -> w.writeFile(abs, 0644, 0, bytes("x")));
  }

  @Test
  void extract_refusesDotDotComponents() throws IOException {
    assertRefused(
        "tar entry ../canary/evil: path contains a \"..\" component",
        w -> w.writeFile("../canary/evil", 0644, 0, bytes("x")));
    assertRefused(
        "tar entry a/../../canary/evil: path contains a \"..\" component",
        w -> w.writeFile("a/../../canary/evil", 0644, 0, bytes("x")));
    assertRefused(
        "tar entry ../canary/: path contains a \"..\" component",
        w -> w.writeDirectory("../canary", 0777, 0));
  }

  @Test
  void extract_refusesSymlinkPointingOutside() throws IOException {
    assertRefused(
        "tar entry sub/link: symlink target ../../canary points outside the destination",
        w -> w.writeSymlink("sub/link", "../../canary", 0));
    assertRefused(
        "tar entry link: symlink target " + canary + " is absolute",
        w -> w.writeSymlink("link", canary.toString(), 0));
    assertRefused("tar entry link: symlink target is empty", w -> w.writeSymlink("link", "", 0));
  }

  /** sub/up points at dest itself (fine); through it, "sub/up/.." would be dest's parent. */
  @Test
  void extract_refusesDotDotAfterNormalComponentInSymlinkTarget() throws IOException {
    assertRefused(
        "tar entry escape: symlink target sub/up/../canary has a \"..\" after a normal component",
        w -> {
          w.writeSymlink("sub/up", "..", 0);
          w.writeSymlink("escape", "sub/up/../canary", 0);
        });
    assertEquals(
        Path.of(".."),
        Files.readSymbolicLink(dest.resolve("sub/up")),
        "the harmless link was made");
  }

  @Test
  void extract_refusesWritingThroughArchiveSymlink() throws IOException {
    assertRefused(
        "tar entry inside/f: path passes through symlink inside",
        w -> {
          w.writeDirectory("real", 0755, 0);
          w.writeSymlink("inside", "real", 0);
          w.writeFile("inside/f", 0644, 0, bytes("x"));
        });
    assertEquals(0, Files.list(dest.resolve("real")).count());
  }

  @Test
  void extract_refusesWritingThroughPreexistingSymlink() throws IOException {
    Files.createSymbolicLink(dest.resolve("evil"), canary);
    assertRefused(
        "tar entry evil/secret: path passes through symlink evil",
        w -> w.writeFile("evil/secret", 0644, 0, bytes("overwritten")));
    assertRefused(
        "tar entry evil/new/deeper/: path passes through symlink evil",
        w -> w.writeDirectory("evil/new/deeper", 0755, 0));
  }

  @Test
  void extract_replacesExistingSymlinkInsteadOfFollowingIt() throws IOException {
    Files.createSymbolicLink(dest.resolve("secret"), canary.resolve("secret"));
    Files.createSymbolicLink(dest.resolve("dir"), canary);
    byte[] tar =
        tar(
            w -> {
              w.writeFile("secret", 0644, 0, bytes("mine"));
              w.writeDirectory("dir", 0755, 0);
              w.writeSymlink("link", "secret", 0);
              w.writeFile("link", 0600, 0, bytes("replaced link"));
            });
    TarExtractor.extract(new ByteArrayInputStream(tar), dest);
    assertNothingOutside();
    assertEquals("mine", Files.readString(dest.resolve("secret")));
    assertTrue(Files.isDirectory(dest.resolve("dir"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("replaced link", Files.readString(dest.resolve("link")));
    assertEquals("mine", Files.readString(dest.resolve("secret")), "link target not written");
  }

  @Test
  void extract_refusesBadHardLinks() throws IOException {
    assertRefused(
        "tar entry h: hard link target ../canary/secret contains a \"..\" component",
        w -> w.writeHardLink("h", "../canary/secret", 0));
    String abs = canary.resolve("secret").toString();
    assertRefused(
        "tar entry h: hard link target " + abs + " is absolute", w -> w.writeHardLink("h", abs, 0));
    assertRefused(
        "tar entry h: hard link target missing does not exist",
        w -> w.writeHardLink("h", "missing", 0));
    Files.createSymbolicLink(dest.resolve("out"), canary);
    assertRefused(
        "tar entry h: hard link target out/secret passes through a symlink",
        w -> w.writeHardLink("h", "out/secret", 0));
    assertRefused(
        "tar entry h: hard link target out is a symlink", w -> w.writeHardLink("h", "out", 0));
    assertRefused(
        "tar entry h: hard link target d is not a regular file",
        w -> {
          w.writeDirectory("d", 0755, 0);
          w.writeHardLink("h", "d", 0);
        });
    assertRefused(
        "tar entry h: hard link target f/x does not exist",
        w -> {
          w.writeFile("f", 0644, 0, bytes("f"));
          w.writeHardLink("h", "f/x", 0);
        });
    assertRefused("tar entry h: hard link to itself", w -> w.writeHardLink("h", "./h", 0));
  }

  @Test
  void extract_refusesDevicesAndFifos() throws IOException {
    assertRefused(
        "tar entry null: character device entries are not allowed",
        w -> HostileEntry.write(w, "null", '3', "", 0, new byte[0]));
    assertRefused(
        "tar entry sda: block device entries are not allowed",
        w -> HostileEntry.write(w, "sda", '4', "", 0, new byte[0]));
    assertRefused(
        "tar entry pipe: FIFO entries are not allowed",
        w -> HostileEntry.write(w, "pipe", '6', "", 0, new byte[0]));
    assertRefused(
        "tar entry vol: unsupported entry type",
        w -> HostileEntry.write(w, "vol", 'V', "", 0, new byte[0]));
    try (Stream<Path> s = Files.list(dest)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void extract_refusesReplacingDirectory() throws IOException {
    assertRefused(
        "tar entry d: cannot replace directory with a file",
        w -> {
          w.writeDirectory("d", 0755, 0);
          w.writeFile("d", 0644, 0, bytes("x"));
        });
    assertRefused(
        "tar entry d/: cannot replace directory with a symlink", w -> w.writeSymlink("d/", ".", 0));
  }

  @Test
  void extract_refusesParentThatIsAFile() throws IOException {
    assertRefused(
        "tar entry f/x: f exists and is not a directory",
        w -> {
          w.writeFile("f", 0644, 0, bytes("x"));
          w.writeFile("f/x", 0644, 0, bytes("x"));
        });
  }

  @Test
  void extract_refusesNegativeAndOversizedSizes() throws IOException {
    assertRefused(
        "tar entry neg: size -512 is negative",
        w -> HostileEntry.write(w, "neg", '0', "", -512, new byte[0]));
    assertRefused(
        "tar entry huge: size 1099511627776 exceeds the limit of 68719476736 bytes",
        w -> HostileEntry.write(w, "huge", '0', "", 1L << 40, new byte[0]));
    assertRefused(
        "tar entry big: size 2000 exceeds the limit of 1000 bytes",
        ExtractLimits.DEFAULTS.withMaxEntrySize(1000),
        tar(w -> w.writeFile("big", 0644, 0, new byte[2000])));
  }

  @Test
  void extract_checksPaxPathsLikeHeaderPaths() throws IOException {
    assertRefused(
        "tar entry ../canary/evil: path contains a \"..\" component",
        w -> {
          w.writePaxHeader(false, Map.of("path", "../canary/evil"));
          w.writeFile("harmless", 0644, 0, bytes("x"));
        });
    assertRefused(
        "tar entry link: symlink target ../canary points outside the destination",
        w -> {
          w.writePaxHeader(false, Map.of("linkpath", "../canary"));
          w.writeSymlink("link", "harmless", 0);
        });
    assertRefused(
        "tar entry a\\u0000b: path contains a NUL byte",
        w -> {
          w.writePaxHeader(false, Map.of("path", "a\0b"));
          w.writeFile("harmless", 0644, 0, bytes("x"));
        });
    assertRefused(
        "tar entry ../x: path contains a \"..\" component",
        w -> {
          w.writePaxHeader(true, Map.of("path", "../x"));
          w.writeFile("harmless", 0644, 0, bytes("x"));
        });
  }

  @Test
  void extract_refusesTooDeepOrTooLongPaths() throws IOException {
    String deep = "d/".repeat(64) + "f";
    assertRefused(
        "tar entry " + deep + ": path has 65 components, more than the limit of 64",
        w -> w.writeFile(deep, 0644, 0, bytes("x")));
    String longPath = "p".repeat(4097);
    assertRefused(
        "tar entry "
            + "p".repeat(300)
            + "...: path is 4097 bytes long, more than the limit of 4096",
        w -> w.writeFile(longPath, 0644, 0, bytes("x")));
    assertRefused(
        "tar entry l: symlink target is 4097 bytes long, more than the limit of 4096",
        w -> w.writeSymlink("l", longPath, 0));
  }

  @Test
  void extract_refusesOversizedExtensionRecords() throws IOException {
    String huge = "n".repeat(1 << 20);
    assertRefused(
        "tar entry ././@LongLink: GNU long name record of 1048577 bytes exceeds the limit of"
            + " 1048576 bytes",
        w -> w.writeFile(huge, 0644, 0, bytes("x")));
    assertRefused(
        "tar entry ././@LongLink: GNU long link record of 1048577 bytes exceeds the limit of"
            + " 1048576 bytes",
        w -> w.writeSymlink("l", huge, 0));
    assertRefused(
        "tar entry ././@PaxHeader: pax extended header of 1048590 bytes exceeds the limit of"
            + " 1048576 bytes",
        w -> {
          w.writePaxHeader(false, Map.of("path", huge));
          w.writeFile("x", 0644, 0, bytes("x"));
        });
  }

  @Test
  void extract_refusesTruncatedStream() throws IOException {
    byte[] tar = tar(w -> w.writeFile("wal", 0600, 0, new byte[100_000]));
    assertRefused(
        "unexpected end of tar stream in entry wal",
        ExtractLimits.DEFAULTS,
        Arrays.copyOf(tar, 50_000));
    assertRefused(
        "unexpected end of tar stream after entry wal: no end-of-archive marker",
        ExtractLimits.DEFAULTS,
        Arrays.copyOf(tar, 512 + 100_352));
  }

  @Test
  void extract_refusesCorruptHeader() throws IOException {
    byte[] tar = tar(w -> w.writeFile("ok", 0600, 0, bytes("x")));
    tar[0] = 'X';
    long[] sums = TarFormat.checksums(tar);
    assertRefused(
        "invalid tar header checksum at byte offset 0 (stored "
            + (sums[0] - 'X' + 'o')
            + ", computed "
            + sums[0]
            + ")",
        ExtractLimits.DEFAULTS,
        tar);
  }
}
