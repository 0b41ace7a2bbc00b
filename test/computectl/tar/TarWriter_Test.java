package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriter_Test {
  @TempDir Path tmp;

  private static final String PREFIXED = "a".repeat(120) + "/" + "b".repeat(99);
  private static final String GNU_LONG = "c".repeat(200) + "/" + "d".repeat(150);
  private static final String LONG_TARGET = "e/".repeat(70) + "f";

  private void writeSample(OutputStream out) throws IOException {
    try (TarWriter w = new TarWriter(out)) {
      w.writeDirectory("dir", 0750, 1_600_000_000L);
      w.writeFile("dir/plain.txt", 0640, 1_600_000_001L, "plain".getBytes(StandardCharsets.UTF_8));
      w.writeFile(PREFIXED, 0600, 1_600_000_002L, "prefixed".getBytes(StandardCharsets.UTF_8));
      w.writeFile(GNU_LONG, 0644, 1_600_000_003L, "gnu long".getBytes(StandardCharsets.UTF_8));
      w.writeSymlink("dir/link", LONG_TARGET, 1_600_000_004L);
      w.writeHardLink("hard", "dir/plain.txt", 0);
      w.writeFile("old.txt", 0644, -86_400L, "before 1970".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void write_producesArchiveGnuTarExtracts() throws IOException {
    Path archive = tmp.resolve("sample.tar");
    try (OutputStream out = Files.newOutputStream(archive)) {
      writeSample(out);
    }
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    TarTrees.run(dest, "tar", "-xf", archive.toString());
    assertEquals("plain", Files.readString(dest.resolve("dir/plain.txt")));
    assertEquals("prefixed", Files.readString(dest.resolve(PREFIXED)));
    assertEquals("gnu long", Files.readString(dest.resolve(GNU_LONG)));
    assertEquals(Path.of(LONG_TARGET), Files.readSymbolicLink(dest.resolve("dir/link")));
    assertEquals(
        Files.getAttribute(dest.resolve("dir/plain.txt"), "unix:ino"),
        Files.getAttribute(dest.resolve("hard"), "unix:ino"));
    assertEquals(
        "rw-r-----",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dest.resolve("dir/plain.txt"))));
    assertEquals(
        "rwxr-x---",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("dir"))));
    assertEquals(
        FileTime.from(1_600_000_002L, TimeUnit.SECONDS),
        Files.getLastModifiedTime(dest.resolve(PREFIXED)));
    assertEquals(
        FileTime.from(-86_400L, TimeUnit.SECONDS),
        Files.getLastModifiedTime(dest.resolve("old.txt"), LinkOption.NOFOLLOW_LINKS),
        "negative mtime via pax");
  }

  @Test
  void write_roundTripsThroughReader() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeSample(out);
    TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(TarEntry.directory("dir/", 0750, 1_600_000_000L), r.next());
    assertEquals(TarEntry.file("dir/plain.txt", 0640, 5, 1_600_000_001L), r.next());
    assertEquals(TarEntry.file(PREFIXED, 0600, 8, 1_600_000_002L), r.next());
    assertArrayEquals("prefixed".getBytes(StandardCharsets.UTF_8), r.body().readAllBytes());
    assertEquals(TarEntry.file(GNU_LONG, 0644, 8, 1_600_000_003L), r.next());
    assertEquals(TarEntry.symlink("dir/link", LONG_TARGET, 1_600_000_004L), r.next());
    assertEquals(TarEntry.hardLink("hard", "dir/plain.txt", 0), r.next());
    assertEquals(TarEntry.file("old.txt", 0644, 11, -86_400L), r.next());
    assertEquals(null, r.next());
    assertEquals(out.size() - 512, r.offset(), "stops after the first zero block");
  }

  @Test
  void hostileEntry_storesRawTypeSizeAndBody() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      HostileEntry.write(w, "../evil", '3', "", 7, new byte[] {1, 2});
    }
    byte[] tar = out.toByteArray();
    assertEquals(512 + 512 + 1024, tar.length, "header, the 2-byte body padded, end marker");
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    assertEquals(new TarEntry("../evil", TarEntry.Type.CHAR_DEVICE, 0644, 7, 0, ""), r.next());
  }

  @Test
  void write_refusesShortBody() {
    TarWriter w = new TarWriter(new ByteArrayOutputStream());
    IOException e =
        assertThrows(
            IOException.class,
            () -> w.write(TarEntry.file("f", 0644, 10, 0), new ByteArrayInputStream(new byte[4])));
    assertEquals("body of f ended after 4 of 10 bytes", e.getMessage());
  }

  @Test
  void writeHeader_refusesNameLongerThanField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TarHeader.of("x".repeat(101), '0', 0).encode());
    assertEquals("tar header name of 101 bytes does not fit in 100", e.getMessage());
  }

  @Test
  void write_listsInGnuTarAsWritten() throws IOException {
    Path archive = tmp.resolve("list.tar");
    try (OutputStream out = Files.newOutputStream(archive)) {
      writeSample(out);
    }
    assertEquals(
        List.of("dir/", "dir/plain.txt", PREFIXED, GNU_LONG, "dir/link", "hard", "old.txt"),
        TarTrees.lines(TarTrees.run(tmp, "tar", "-tf", archive.toString())));
  }
}
