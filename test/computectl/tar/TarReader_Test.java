package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.testsupport.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReader_Test {
  @TempDir Path tmp;

  private interface Body {
    void write(TarWriter w) throws IOException;
  }

  private static byte[] tar(Body body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  private static List<TarEntry> entries(byte[] tar) throws IOException {
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    List<TarEntry> out = new ArrayList<>();
    for (TarEntry e = r.next(); e != null; e = r.next()) {
      out.add(e);
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void next_joinsUstarPrefixAndName() throws IOException {
    String path = "d".repeat(120) + "/" + "f".repeat(90);
    byte[] tar = tar(w -> w.writeFile(path, 0600, 1_700_000_000L, bytes("x")));
    assertEquals(
        "f".repeat(90),
        new String(tar, 0, 90, StandardCharsets.US_ASCII),
        "name field holds the tail");
    assertEquals(
        List.of(new TarEntry(path, TarEntry.Type.FILE, 0600, 1, 1_700_000_000L, "")), entries(tar));
  }

  @Test
  void next_appliesGnuLongNameAndLongLink() throws IOException {
    String path = "p".repeat(300);
    String target = "t/".repeat(80) + "x";
    byte[] tar = tar(w -> w.writeSymlink(path, target, 5));
    assertEquals(
        List.of(new TarEntry(path, TarEntry.Type.SYMLINK, 0777, 0, 5, target)), entries(tar));
  }

  @Test
  void next_appliesPaxRecordsToOneEntry() throws IOException {
    Map<String, String> pax = new LinkedHashMap<>();
    pax.put("path", "renamed/ünïcode");
    pax.put("size", "3");
    pax.put("mtime", "1700000000.75");
    pax.put("comment", "ignored");
    byte[] tar =
        tar(
            w -> {
              w.writePaxHeader(false, pax);
              w.writeHeader(TarHeader.of("short", '0', 0));
              w.writeData(bytes("abc"));
              w.writeFile("next", 0644, 7, bytes("z"));
            });
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    assertEquals(
        new TarEntry("renamed/ünïcode", TarEntry.Type.FILE, 0644, 3, 1_700_000_000L, ""), r.next());
    assertArrayEquals(bytes("abc"), r.body().readAllBytes());
    assertEquals(TarEntry.file("next", 0644, 1, 7), r.next());
    assertNull(r.next());
  }

  @Test
  void next_appliesGlobalPaxUntilOverridden() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writePaxHeader(true, Map.of("mtime", "42"));
              w.writeFile("a", 0644, 1, new byte[0]);
              w.writePaxHeader(false, Map.of("mtime", "43"));
              w.writeFile("b", 0644, 1, new byte[0]);
              w.writePaxHeader(false, Map.of("mtime", ""));
              w.writeFile("c", 0644, 9, new byte[0]);
            });
    List<TarEntry> got = entries(tar);
    assertEquals(List.of(42L, 43L, 9L), got.stream().map(TarEntry::mtime).toList());
  }

  @Test
  void next_readsBase256Numbers() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeHeader(TarHeader.of("b", '0', 5).withMtime(-86400).withBase256(true));
              w.writeData(bytes("hello"));
            });
    assertEquals((byte) 0x80, tar[TarFormat.SIZE]);
    assertEquals((byte) 0xff, tar[TarFormat.MTIME]);
    assertEquals(List.of(TarEntry.file("b", 0644, 5, -86400)), entries(tar));
  }

  @Test
  void next_readsLargeBase256Size() throws IOException {
    byte[] h = TarHeader.of("huge", '0', 9L << 30).encode();
    assertEquals((byte) 0x80, h[TarFormat.SIZE], "too big for octal: base-256");
    TarReader r = new TarReader(new ByteArrayInputStream(h));
    assertEquals(9L << 30, r.next().size());
  }

  @Test
  void next_refusesBadChecksumNamingOffset() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeFile("a", 0644, 0, bytes("1"));
              w.writeFile("b", 0644, 0, bytes("2"));
            });
    tar[1024 + 3] = 'X';
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    assertEquals("a", r.next().path());
    TarException e = assertThrows(TarException.class, r::next);
    long[] sums = TarFormat.checksums(Arrays.copyOfRange(tar, 1024, 1536));
    long stored = TarFormat.parseNumber(tar, 1024 + TarFormat.CHECKSUM, 8, "checksum", 1024);
    assertEquals(
        "invalid tar header checksum at byte offset 1024 (stored "
            + stored
            + ", computed "
            + sums[0]
            + ")",
        e.getMessage());
  }

  @Test
  void next_endsAtZeroBlockAndDrainConsumesTheRest() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeFile("a", 0644, 0, new byte[1000]);
              w.finish();
              w.writeRaw(bytes("trailing garbage"));
            });
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    assertEquals("a", r.next().path());
    assertNull(r.next());
    assertNull(r.next());
    assertEquals(512 + 16, r.drain(), "second zero block and the garbage");
    assertEquals(tar.length, r.offset());
  }

  @Test
  void body_truncatedStreamFails() throws IOException {
    byte[] tar = tar(w -> w.writeFile("dir/big.bin", 0644, 0, new byte[100_000]));
    TarReader r = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 60_000)));
    r.next();
    TarException e = assertThrows(TarException.class, () -> r.body().readAllBytes());
    assertEquals("unexpected end of tar stream in entry dir/big.bin", e.getMessage());
  }

  @Test
  void next_truncatedPaddingFails() throws IOException {
    byte[] tar = tar(w -> w.writeFile("short", 0644, 0, new byte[10]));
    TarReader r = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 512 + 100)));
    r.next();
    TarException e = assertThrows(TarException.class, r::next);
    assertEquals("unexpected end of tar stream in entry short", e.getMessage());
  }

  @Test
  void next_missingEndMarkerFails() throws IOException {
    byte[] tar = tar(w -> w.writeFile("last", 0644, 0, new byte[10]));
    TarReader r = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 1024)));
    r.next();
    TarException e = assertThrows(TarException.class, r::next);
    assertEquals(
        "unexpected end of tar stream after entry last: no end-of-archive marker", e.getMessage());
  }

  @Test
  void next_skipsUnreadBody() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeFile("one", 0644, 0, new byte[300_000]);
              w.writeFile("two", 0644, 0, bytes("2"));
            });
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    r.next();
    assertEquals(10, r.body().read(new byte[10]));
    assertEquals("two", r.next().path());
    assertArrayEquals(bytes("2"), r.body().readAllBytes());
  }

  @Test
  void next_refusesOversizedLongNameAndPax() throws IOException {
    byte[] longName = tar(w -> w.writeFile("n".repeat(2000), 0644, 0, new byte[0]));
    TarException e =
        assertThrows(
            TarException.class,
            () -> new TarReader(new ByteArrayInputStream(longName), 1000).next());
    assertEquals(
        "tar entry ././@LongLink: GNU long name record of 2001 bytes exceeds the limit of 1000"
            + " bytes",
        e.getMessage());
    byte[] pax =
        tar(
            w -> {
              w.writePaxHeader(false, Map.of("comment", "c".repeat(2000)));
              w.writeFile("x", 0644, 0, new byte[0]);
            });
    e =
        assertThrows(
            TarException.class, () -> new TarReader(new ByteArrayInputStream(pax), 1000).next());
    assertEquals(
        "tar entry ././@PaxHeader: pax extended header of 2014 bytes exceeds the limit of 1000"
            + " bytes",
        e.getMessage());
  }

  @Test
  void next_refusesMalformedPaxRecord() throws IOException {
    byte[] tar =
        tar(
            w -> {
              byte[] data = bytes("99 path=x\n");
              w.writeHeader(TarHeader.of("hdr", 'x', data.length));
              w.writeData(data);
              w.writeFile("x", 0644, 0, new byte[0]);
            });
    TarException e = assertThrows(TarException.class, () -> entries(tar));
    assertEquals(
        "tar entry hdr: malformed pax record at byte 0 of the extended header at byte offset 0",
        e.getMessage());
  }

  @Test
  void next_refusesNegativeSize() throws IOException {
    byte[] tar = tar(w -> HostileEntry.write(w, "neg", '0', "", -1, new byte[0]));
    TarException e = assertThrows(TarException.class, () -> entries(tar));
    assertEquals("tar entry neg: size -1 is negative", e.getMessage());
  }

  @Test
  void next_refusesNonUtf8Name() throws IOException {
    byte[] tar = tar(w -> w.writeFile("ab", 0644, 0, new byte[0]));
    tar[0] = (byte) 0xff;
    long[] sums = TarFormat.checksums(tar);
    TarFormat.putChecksum(tar, sums[0]);
    TarException e = assertThrows(TarException.class, () -> entries(tar));
    assertEquals("entry name in tar header at byte offset 0 is not valid UTF-8", e.getMessage());
  }

  @Test
  void next_readsUtf8NameFromTheHeaderItself() throws IOException {
    byte[] tar = tar(w -> w.writeFile("ab", 0644, 0, new byte[0]));
    byte[] name = bytes("\u00e9");
    System.arraycopy(name, 0, tar, 0, name.length); // the name field: "é" in two bytes
    TarFormat.putChecksum(tar, TarFormat.checksums(tar)[0]);
    assertEquals(List.of(new TarEntry("\u00e9", TarEntry.Type.FILE, 0644, 0, 0, "")), entries(tar));
  }

  /** Archives made by GNU tar in each of its formats read back with the same members. */
  @Test
  void next_readsEveryGnuTarFormat() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("dir/sub"));
    Files.write(src.resolve("dir/sub/file.txt"), bytes("content"));
    Files.write(src.resolve("empty"), new byte[0]);
    Files.createSymbolicLink(src.resolve("dir/link"), Path.of("sub/file.txt"));
    Files.createLink(src.resolve("hard"), src.resolve("empty"));
    String deep = "long-directory-name-".repeat(4) + "/" + "long-file-name-".repeat(6);
    Files.createDirectories(src.resolve(deep).getParent());
    Files.write(src.resolve(deep), bytes("deep"));
    Requirements.gnuTarWithSort();
    for (String format : List.of("v7", "oldgnu", "gnu", "ustar", "posix")) {
      Path archive = tmp.resolve(format + ".tar");
      List<String> names = new ArrayList<>(List.of("dir", "empty", "hard"));
      if (!format.equals("v7")) {
        names.add(deep.substring(0, deep.indexOf('/')));
      }
      List<String> cmd =
          new ArrayList<>(
              List.of("tar", "--format=" + format, "--sort=name", "-cf", archive.toString()));
      cmd.addAll(names);
      TarTrees.run(src, cmd.toArray(String[]::new));
      List<String> expected = TarTrees.lines(TarTrees.run(src, "tar", "-tf", archive.toString()));
      List<String> got =
          entries(Files.readAllBytes(archive)).stream().map(TarReader_Test::describe).toList();
      assertEquals(
          expected, got.stream().map(s -> s.substring(0, s.indexOf(' '))).toList(), format);
      assertEquals(true, got.contains("dir/link SYMLINK sub/file.txt"), format + ": " + got);
      assertEquals(
          true,
          got.contains("hard HARDLINK empty") || got.contains("empty HARDLINK hard"),
          format + ": " + got);
      assertEquals(true, got.contains("dir/sub/ DIRECTORY "), format + ": " + got);
    }
  }

  private static String describe(TarEntry e) {
    return e.path() + " " + e.type() + " " + e.linkTarget();
  }
}
