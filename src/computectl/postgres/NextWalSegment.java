package computectl.postgres;

import computectl.spec.Lsn;
import computectl.util.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;

/**
 * The WAL segment after the one that holds the start LSN, created before Postgres starts as an
 * empty file of the segment's size (a sparse file: no block is written).
 *
 * <p>A primary's Postgres creates that segment while it starts, before it accepts connections:
 * after a basebackup whose WAL ends with a segment switch (one made by {@code pg_basebackup}), its
 * first record goes there; otherwise it prepares it when the start LSN is three quarters into its
 * segment. With {@code wal_init_zero} on (the default) it writes 16 MiB of zeros to do so, which
 * took 90 to 130 ms of each start on this project's bench machine. A segment that already exists is
 * used as it is, as Postgres uses the segments it recycles; a hole reads as zeros, which Postgres
 * takes for the end of the WAL. This is what Postgres itself does with {@code wal_init_zero} off.
 */
public final class NextWalSegment {
  private static final long MIN_SEGMENT = 1L << 20;
  private static final long MAX_SEGMENT = 1L << 30;
  private static final int NAME_LENGTH = 24;

  private NextWalSegment() {}

  /**
   * Creates the segment after the one holding {@code lsn} in {@code pgdata/pg_wal}, with that
   * segment's timeline and size. Does nothing when the segment holding {@code lsn} is not there or
   * the next one exists. Returns the file created, or null; a failure is logged (Postgres then
   * creates the segment itself).
   */
  public static Path create(Path pgdata, Lsn lsn) {
    Path wal = pgdata.resolve("pg_wal");
    try {
      Path current = segmentHolding(wal, lsn);
      if (current == null) {
        return null;
      }
      long size = Files.size(current);
      Path next = wal.resolve(nextName(current.getFileName().toString(), size));
      if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      try (FileChannel ch =
          FileChannel.open(
              next,
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ch.write(ByteBuffer.allocate(1), size - 1);
      }
      return next;
    } catch (IOException e) {
      Log.warn("could not create the WAL segment after LSN " + lsn + " ahead of Postgres: " + e);
      return null;
    }
  }

  /** The regular file in {@code wal} whose segment holds {@code lsn}, or null. */
  static Path segmentHolding(Path wal, Lsn lsn) throws IOException {
    if (!Files.isDirectory(wal, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(wal)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!isSegmentName(name) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        long size = Files.size(f);
        if (isSegmentSize(size)
            && segmentNumber(name, size) == Long.divideUnsigned(lsn.value(), size)) {
          return f;
        }
      }
    }
    return null;
  }

  /** The name of the segment after {@code name}, on the same timeline. */
  static String nextName(String name, long segmentSize) {
    long perLogId = 0x1_0000_0000L / segmentSize;
    long next = segmentNumber(name, segmentSize) + 1;
    return name.substring(0, 8) + hex8(next / perLogId) + hex8(next % perLogId);
  }

  /**
   * Eight upper-case hex digits (no String.format: its first use costs a fresh JVM milliseconds).
   */
  private static String hex8(long v) {
    String h = Long.toHexString(v).toUpperCase(Locale.ROOT);
    return "00000000".substring(h.length()) + h;
  }

  /** Timeline, log id and segment: 24 upper-case hex digits. */
  static boolean isSegmentName(String name) {
    if (name.length() != NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < NAME_LENGTH; i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  /** Postgres allows powers of two from 1 MiB to 1 GiB. */
  static boolean isSegmentSize(long size) {
    return size >= MIN_SEGMENT && size <= MAX_SEGMENT && Long.bitCount(size) == 1;
  }

  private static long segmentNumber(String name, long segmentSize) {
    long logId = Long.parseLong(name.substring(8, 16), 16);
    long segment = Long.parseLong(name.substring(16, 24), 16);
    return logId * (0x1_0000_0000L / segmentSize) + segment;
  }
}
