package computectl.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class TarExtractor_Test {
  @TempDir static Path shared;
  @TempDir Path tmp;

  /** A real pg_basebackup base.tar and what GNU tar extracts from it. */
  private static Path baseTar;

  private static Map<String, String> gnuTree;

  @BeforeAll
  static void basebackup() throws IOException {
    Path out = TestPg.workDir("tar-bb-").resolve("out");
    try (LocalCluster c = TestPg.newCluster()) {
      c.psql(
          "postgres",
          "create table t as select g, repeat('x', 200) as filler from generate_series(1, 50000)"
              + " g");
      baseTar = c.basebackup(out);
    }
    Path gnu = Files.createDirectories(shared.resolve("gnu"));
    TarTrees.run(gnu, "tar", "-xf", baseTar.toString());
    gnuTree = TarTrees.snapshot(gnu, false);
  }

  private static byte[] tar(TarReader_TestBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  interface TarReader_TestBody {
    void write(TarWriter w) throws IOException;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void extract_matchesGnuTarOnRealBasebackup() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    ExtractStats stats;
    try (InputStream in = Files.newInputStream(baseTar)) {
      stats = TarExtractor.extract(in, dest);
    }
    TarTrees.assertSameTree(gnuTree, TarTrees.snapshot(dest, false));
    assertTrue(
        gnuTree.size() > 500
            && gnuTree.containsKey("global/pg_control")
            && gnuTree.containsKey("PG_VERSION"),
        "a real PGDATA: " + gnuTree.size());
    long fileBytes = 0;
    try (var files = Files.walk(dest)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        fileBytes += Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
      }
    }
    Map<String, String> withTimes = TarTrees.snapshot(dest);
    int dirs = 0;
    try (InputStream in = Files.newInputStream(baseTar)) {
      TarReader r = new TarReader(in);
      for (TarEntry e = r.next(); e != null; e = r.next()) {
        if (e.type() == TarEntry.Type.DIRECTORY) {
          dirs++;
          String key = Path.of(e.path()).normalize().toString();
          assertEquals(
              "dir rwx------ mtime=" + e.mtime(), withTimes.get(key), "mtime of " + e.path());
        }
      }
    }
    assertTrue(dirs > 10);
    assertEquals(
        new ExtractStats(
            TarTrees.lines(TarTrees.run(tmp, "tar", "-tf", baseTar.toString())).size(), fileBytes),
        stats);
  }

  @Test
  void extract_unpacksGzipStream() throws IOException {
    Path gz = tmp.resolve("base.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz), 65536)) {
      Files.copy(baseTar, out);
    }
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 65536)) {
      TarExtractor.extract(in, dest);
    }
    TarTrees.assertSameTree(gnuTree, TarTrees.snapshot(dest, false));
  }

  /**
   * Whole 4 KiB blocks of zeros become holes; the content and size are exact wherever the zeros
   * are: in the middle, across the reader's 256 KiB buffers, at the end, the whole file, a tail
   * shorter than a block. The archive's own basebackup WAL segment (16 MiB, mostly zeros) is the
   * case that matters.
   */
  @Test
  void extract_leavesZeroBlocksAsHoles() throws IOException {
    int block = 4096;
    int buffer = TarReader.BUFFER_SIZE;
    byte[] middle = new byte[buffer * 3];
    Arrays.fill(middle, 0, block, (byte) 1);
    Arrays.fill(middle, buffer - block, buffer + block, (byte) 2); // data across a buffer's end
    middle[middle.length - 1] = 3; // a zero run up to the last block, which has data
    byte[] zeroEnd = new byte[buffer + 3 * block];
    Arrays.fill(zeroEnd, 0, 100, (byte) 4);
    byte[] allZero = new byte[buffer * 2];
    byte[] shortZero = new byte[block + 10]; // one whole block and a partial one, all zeros
    Map<String, byte[]> files =
        Map.of("middle", middle, "zero-end", zeroEnd, "all-zero", allZero, "short", shortZero);
    byte[] archive =
        tar(
            w -> {
              for (Map.Entry<String, byte[]> f : files.entrySet()) {
                w.writeFile(f.getKey(), 0600, 1_700_000_000L, f.getValue());
              }
            });
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    TarExtractor.extract(new ByteArrayInputStream(archive), dest);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = dest.resolve(f.getKey());
      assertEquals(f.getValue().length, Files.size(p), f.getKey());
      assertTrue(Arrays.equals(f.getValue(), Files.readAllBytes(p)), f.getKey() + " content");
    }
    // st_blocks counts 512-byte units actually allocated.
    assertTrue(allocated(dest.resolve("all-zero")) <= block, "all-zero: one block at most");
    assertTrue(allocated(dest.resolve("zero-end")) <= 2L * block, "zero-end");
    assertTrue(allocated(dest.resolve("middle")) <= 5L * block, "middle: 4 blocks of data");
  }

  private static long allocated(Path p) throws IOException {
    String out = TarTrees.run(p.getParent(), "stat", "--format=%b", p.toString()).trim();
    return Long.parseLong(out) * 512;
  }

  @Test
  void extract_overwritesExistingFilesWithoutFollowingSymlinks() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Path canary = Files.writeString(tmp.resolve("canary.txt"), "canary");
    Files.writeString(dest.resolve("compute_ctl_temp_override.conf"), "neon.max_cluster_size=-1");
    Files.writeString(dest.resolve("postgresql.conf"), "port=55432\n");
    Files.writeString(dest.resolve("PG_VERSION"), "junk");
    Files.createSymbolicLink(dest.resolve("pg_hba.conf"), canary);
    try (InputStream in = Files.newInputStream(baseTar)) {
      TarExtractor.extract(in, dest);
    }
    assertEquals(
        "neon.max_cluster_size=-1",
        Files.readString(dest.resolve("compute_ctl_temp_override.conf")),
        "not in the archive: kept");
    assertTrue(
        Files.readString(dest.resolve("postgresql.conf")).contains("max_wal_senders"),
        "overwritten");
    assertEquals("15\n", Files.readString(dest.resolve("PG_VERSION")));
    assertTrue(Files.isRegularFile(dest.resolve("pg_hba.conf"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("canary", Files.readString(canary));
    Map<String, String> got = TarTrees.snapshot(dest, false);
    got.remove("compute_ctl_temp_override.conf");
    TarTrees.assertSameTree(gnuTree, got);
  }

  /** Notes whether its stream was read to the end. */
  private static final class EofProbe extends FilterInputStream {
    boolean sawEof;

    EofProbe(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      sawEof |= n < 0;
      return n;
    }
  }

  @Test
  void extract_drainsTrailingDataAfterEndMarker() throws IOException {
    byte[] tar = tar(w -> w.writeFile("a.txt", 0644, 0, bytes("a")));
    byte[] trailing = new byte[700_000];
    Arrays.fill(trailing, (byte) 'x');
    EofProbe probe =
        new EofProbe(
            new SequenceInputStream(
                new ByteArrayInputStream(tar), new ByteArrayInputStream(trailing)));
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    assertEquals(new ExtractStats(1, 1), TarExtractor.extract(probe, dest));
    assertTrue(probe.sawEof, "read to EOF");
  }

  /**
   * Extracts {@code tar} cut after {@code keep} bytes, whose next read fails with {@code error}.
   */
  private TarException failAfter(byte[] tar, int keep, String error) {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException(error);
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return read(); // fails, like every read of this stream
          }
        };
    InputStream in = new SequenceInputStream(new ByteArrayInputStream(tar, 0, keep), failing);
    return assertThrows(
        TarException.class,
        () -> TarExtractor.extract(in, Files.createDirectories(tmp.resolve("cut-" + keep))));
  }

  @Test
  void extract_reportsStreamErrorAfterEndMarker() throws IOException {
    byte[] tar = tar(w -> w.writeFile("a.txt", 0644, 0, bytes("a")));
    TarException e = failAfter(tar, tar.length, "ERROR: basebackup failed on the server");
    assertEquals(
        "reading the tar stream failed after the end-of-archive marker: ERROR: basebackup failed on"
            + " the server",
        e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void extract_streamErrorNamesWhereItHappened() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeFile("a b.txt", 0644, 0, new byte[3000]);
              w.writeFile("second", 0644, 0, bytes("x"));
            });
    assertEquals(
        "reading the tar stream failed: connection reset",
        failAfter(tar, 0, "connection reset").getMessage());
    assertEquals(
        "reading the tar stream failed in entry a b.txt: connection reset",
        failAfter(tar, 512 + 1024, "connection reset").getMessage());
    assertEquals(
        "reading the tar stream failed after entry a b.txt: connection reset",
        failAfter(tar, 512 + 3072, "connection reset").getMessage());
  }

  @Test
  void extract_truncatedStreamFails() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeDirectory("base", 0700, 0);
              w.writeFile("base/big.bin", 0600, 0, new byte[1 << 20]);
            });
    InputStream in = new ByteArrayInputStream(Arrays.copyOf(tar, 300_000));
    TarException e =
        assertThrows(
            TarException.class,
            () -> TarExtractor.extract(in, Files.createDirectories(tmp.resolve("d"))));
    assertEquals("unexpected end of tar stream in entry base/big.bin", e.getMessage());
  }

  @Test
  void extract_laterDuplicateWinsAndHardLinkedOriginalSurvives() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeFile("a", 0644, 0, bytes("first"));
              w.writeHardLink("b", "a", 0);
              w.writeFile("b", 0600, 0, bytes("second"));
              w.writeFile("a", 0640, 0, bytes("third"));
              w.writeFile("c", 0644, 0, bytes("file"));
              w.writeSymlink("c", "a", 0);
              w.writeFile("d", 0644, 0, bytes("file"));
              w.writeDirectory("d", 0700, 0);
            });
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    TarExtractor.extract(new ByteArrayInputStream(tar), dest);
    assertEquals("symlink -> a", TarTrees.snapshot(dest).get("c"));
    assertEquals("dir rwx------ mtime=0", TarTrees.snapshot(dest).get("d"));
    assertEquals("third", Files.readString(dest.resolve("a")));
    assertEquals(
        "second",
        Files.readString(dest.resolve("b")),
        "b was unlinked, not written through the link");
    assertEquals(
        "rw-r-----",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("a"))));
  }

  @Test
  void extract_givesEachFileItsOwnModeWhenModesAlternate() throws IOException {
    int[] modes = {0600, 0640, 0600, 0755, 0755, 0600};
    byte[] tar =
        tar(
            w -> {
              for (int i = 0; i < modes.length; i++) {
                w.writeFile("f" + i, modes[i], 0, bytes("x"));
              }
            });
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    TarExtractor.extract(new ByteArrayInputStream(tar), dest);
    for (int i = 0; i < modes.length; i++) {
      assertEquals(
          modes[i], (int) Files.getAttribute(dest.resolve("f" + i), "unix:mode") & 07777, "f" + i);
    }
  }

  @Test
  void extract_dropsSetuidBitsAndLeavesRootEntryAlone() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwx------"));
    byte[] tar =
        tar(
            w -> {
              w.writeDirectory("./", 0777, 0);
              w.writeFile("./bin/tool", 04755, 0, bytes("#!"));
            });
    assertEquals(new ExtractStats(2, 2), TarExtractor.extract(new ByteArrayInputStream(tar), dest));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
    assertEquals(0755, (int) Files.getAttribute(dest.resolve("bin/tool"), "unix:mode") & 07777);
  }

  @Test
  void extract_readOnlyDirectoryIsFilledBeforeItsModeIsSet() throws IOException {
    byte[] tar =
        tar(
            w -> {
              w.writeDirectory("ro", 0500, 1_000_000_000L);
              w.writeFile("ro/f", 0400, 0, bytes("f"));
            });
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    TarExtractor.extract(new ByteArrayInputStream(tar), dest);
    assertEquals("dir r-x------ mtime=1000000000", TarTrees.snapshot(dest).get("ro"));
    assertEquals("f", Files.readString(dest.resolve("ro/f")));
  }
}
