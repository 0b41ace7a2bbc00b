package computectl.warmup;

import computectl.tar.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A generated, gzipped tar shaped like a small basebackup: directories of a data directory, many
 * small files (8 KiB pages, mostly zeros, some noise so the inflater works), a few larger ones and
 * a 1 MiB file of zeros standing in for a WAL segment. It holds nothing of any real cluster.
 */
final class WarmupArchive {
  private static final String[] DIRS = {
    "base",
    "base/1",
    "base/4",
    "base/5",
    "global",
    "pg_xact",
    "pg_multixact",
    "pg_multixact/members",
    "pg_multixact/offsets",
    "pg_subtrans",
    "pg_twophase",
    "pg_wal",
    "pg_tblspc",
    "pg_stat",
    "pg_logical",
    "pg_notify",
    "pg_serial",
    "pg_snapshots"
  };

  private WarmupArchive() {}

  /** About 300 entries and 4 MiB of content, gzipped at the fastest level. */
  static byte[] gzipped() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    Random noise = new Random(42);
    long mtime = 1_700_000_000L;
    try (GZIPOutputStream gz = new FastGzip(bytes);
        TarWriter tar = new TarWriter(gz)) {
      for (String d : DIRS) {
        tar.writeDirectory(d, 0700, mtime);
      }
      tar.writeFile(
          "PG_VERSION", 0600, mtime, "15\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      for (int i = 0; i < 280; i++) {
        String dir = i < 90 ? "base/1" : i < 180 ? "base/4" : i < 270 ? "base/5" : "global";
        byte[] page = new byte[i % 7 == 0 ? 0 : 8192 * (1 + i % 3)];
        for (int j = 0; j < page.length; j += 97) {
          page[j] = (byte) noise.nextInt();
        }
        tar.writeFile(dir + "/" + (1000 + i), 0600, mtime, page);
      }
      tar.writeFile("global/pg_control", 0600, mtime, new byte[8192]);
      tar.writeFile("pg_xact/0000", 0600, mtime, new byte[8192]);
      tar.writeFile("pg_wal/000000010000000000000001", 0600, mtime, new byte[1 << 20]);
      tar.writeSymlink("pg_tblspc/none", "../base", mtime);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 64 << 10);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
