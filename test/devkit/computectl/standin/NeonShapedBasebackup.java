package computectl.standin;

import computectl.spec.Lsn;
import computectl.tar.TarEntry;
import computectl.tar.TarReader;
import computectl.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reshapes a full basebackup into what Neon's pageserver sends for a compute start: no relation
 * data (the compute reads pages from the pageserver on demand) except the init forks of unlogged
 * relations; the non-relational files (clog and the other SLRUs, pg_filenode.map and PG_VERSION,
 * twophase files, configuration files), pg_control, and one generated 16 MiB WAL segment that is
 * zeros after its first page header, where Neon's Postgres starts writing. Vanilla Postgres cannot
 * start from it; it exists to measure the basebackup phase on a realistic archive (tens of KB
 * gzipped).
 */
public final class NeonShapedBasebackup {
  static final int WAL_SEGMENT_SIZE = 16 << 20;
  private static final int XLOG_PAGE_MAGIC_PG15 = 0xD110;
  private static final int XLP_LONG_HEADER = 0x0002;

  /** A relation file: a relfilenode, an optional fork suffix, an optional segment number. */
  private static final Pattern RELATION_FILE =
      Pattern.compile("(global|base/\\d+|pg_tblspc/.+)/\\d+(_(fsm|vm|init))?(\\.\\d+)?");

  private NeonShapedBasebackup() {}

  /** The Neon-shaped archive of {@code full}, with its WAL segment at {@code full.endLsn()}. */
  public static BasebackupTar of(BasebackupTar full) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(WAL_SEGMENT_SIZE + (4 << 20));
    try (TarWriter out = new TarWriter(bytes)) {
      TarReader in = new TarReader(new ByteArrayInputStream(full.tar()));
      TarEntry e;
      while ((e = in.next()) != null) {
        if (keep(e)) {
          out.write(e, in.body());
        }
      }
      out.writeFile(
          "pg_wal/" + segmentName(full.endLsn()),
          0600,
          System.currentTimeMillis() / 1000,
          walSegment(full.endLsn()));
    }
    return new BasebackupTar(bytes.toByteArray(), full.startLsn(), full.endLsn(), "");
  }

  /** Everything but relation data (init forks stay), the WAL and the backup's own files. */
  static boolean keep(TarEntry e) {
    String path = e.path();
    if (e.type() == TarEntry.Type.DIRECTORY) {
      return true;
    }
    if (path.startsWith("pg_wal/") || path.equals("backup_label")) {
      return false;
    }
    if (path.equals("backup_manifest") || path.equals("tablespace_map")) {
      return false;
    }
    if (RELATION_FILE.matcher(path).matches()) {
      return path.endsWith("_init");
    }
    return true;
  }

  /** Timeline 1, the segment holding {@code lsn}. */
  static String segmentName(Lsn lsn) {
    long segment = lsn.value() / WAL_SEGMENT_SIZE;
    long perId = 0x1_0000_0000L / WAL_SEGMENT_SIZE;
    return String.format(Locale.ROOT, "%08X%08X%08X", 1, segment / perId, segment % perId);
  }

  /** A long page header (XLogLongPageHeaderData) at the segment's start, zeros after it. */
  static byte[] walSegment(Lsn lsn) {
    byte[] seg = new byte[WAL_SEGMENT_SIZE];
    ByteBuffer b = ByteBuffer.wrap(seg).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) XLOG_PAGE_MAGIC_PG15);
    b.putShort((short) XLP_LONG_HEADER);
    b.putInt(1); // timeline
    b.putLong(lsn.value() - lsn.value() % WAL_SEGMENT_SIZE); // page address
    b.putInt(0); // no record continues from the previous segment
    b.putInt(0); // padding
    b.putLong(0); // system identifier: the compute takes it from pg_control
    b.putInt(WAL_SEGMENT_SIZE);
    b.putInt(8192); // XLOG_BLCKSZ
    return seg;
  }
}
