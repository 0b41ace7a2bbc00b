package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NextWalSegment_Test {
  private static final long MIB16 = 16L << 20;

  private Path pgdata;
  private Path wal;

  @BeforeEach
  void setUp() throws IOException {
    pgdata = Files.createTempDirectory("nextwal-");
    wal = Files.createDirectories(pgdata.resolve("pg_wal"));
    Files.createDirectories(wal.resolve("archive_status"));
  }

  @AfterEach
  void tearDown() throws IOException {
    PgData.deleteTree(pgdata);
  }

  private Path segment(String name, long size) throws IOException {
    Path p = wal.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      f.write("not zeros".getBytes(StandardCharsets.US_ASCII));
    }
    return p;
  }

  /** Bytes the file system allocated for {@code p} ({@code stat}: blocks of 512 bytes). */
  private static long allocated(Path p) throws IOException, InterruptedException {
    Process stat = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
    String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(stat.waitFor(10, TimeUnit.SECONDS));
    return Long.parseLong(out.trim()) * 512;
  }

  @Test
  void create_afterTheSegmentHoldingTheLsn_isEmptySparseAndPrivate() throws Exception {
    segment("000000010000000000000001", MIB16);
    segment("000000010000000000000002", MIB16);
    Path next = NextWalSegment.create(pgdata, Lsn.parse("0/2000100"));
    assertEquals(wal.resolve("000000010000000000000003"), next);
    assertEquals(MIB16, Files.size(next));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next)));
    assertTrue(allocated(next) <= 64 << 10, "sparse: " + allocated(next) + " bytes allocated");
    try (InputStream in = Files.newInputStream(next)) {
      byte[] buf = new byte[1 << 20];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != 0) {
            throw new AssertionError("a byte that is not zero");
          }
        }
      }
    }
  }

  @Test
  void create_keepsTheTimelineAndCrossesALogIdBoundary() throws Exception {
    segment("0000000300000000000000FF", MIB16);
    Path next = NextWalSegment.create(pgdata, Lsn.parse("0/FF123456"));
    assertEquals(wal.resolve("000000030000000100000000"), next);
  }

  @Test
  void create_usesTheSegmentSizeOfTheFileHoldingTheLsn() throws Exception {
    // 1 MiB segments: 4096 per log id; LSN 0/3FF800 is in segment 3.
    segment("000000010000000000000003", 1L << 20);
    Path next = NextWalSegment.create(pgdata, Lsn.parse("0/3FF800"));
    assertEquals(wal.resolve("000000010000000000000004"), next);
    assertEquals(1L << 20, Files.size(next));
  }

  @Test
  void create_nextAlreadyThere_isLeftAsItIs() throws Exception {
    segment("000000010000000000000002", MIB16);
    Path existing = segment("000000010000000000000003", MIB16);
    assertNull(NextWalSegment.create(pgdata, Lsn.parse("0/2000100")));
    assertEquals("not zeros", Files.readString(existing).substring(0, 9));
  }

  @Test
  void create_noSegmentHoldsTheLsn_createsNothing() throws Exception {
    segment("000000010000000000000002", MIB16);
    Files.writeString(wal.resolve("00000002.history"), "1\t0/2000100\tno reason\n");
    segment("000000010000000000000004.partial", MIB16);
    assertNull(NextWalSegment.create(pgdata, Lsn.parse("0/4000100")));
    assertNull(NextWalSegment.create(pgdata, Lsn.ZERO));
    assertFalse(Files.exists(wal.resolve("000000010000000000000005")));
  }

  @Test
  void create_segmentOfAnImpossibleSize_isNotTakenForOne() throws Exception {
    segment("000000010000000000000002", 3_000_000);
    assertNull(NextWalSegment.create(pgdata, Lsn.parse("0/2000100")));
  }

  @Test
  void create_withoutPgWal_createsNothing() throws Exception {
    PgData.deleteTree(wal);
    assertNull(NextWalSegment.create(pgdata, Lsn.parse("0/2000100")));
  }

  @Test
  void names() {
    assertTrue(NextWalSegment.isSegmentName("000000010000000000000002"));
    assertFalse(NextWalSegment.isSegmentName("00000001000000000000000g"));
    assertFalse(NextWalSegment.isSegmentName("000000010000000000000002.partial"));
    assertFalse(NextWalSegment.isSegmentName("00000002.history"));
    assertEquals(
        "000000010000000000000100", NextWalSegment.nextName("0000000100000000000000FF", 1L << 20));
  }
}
