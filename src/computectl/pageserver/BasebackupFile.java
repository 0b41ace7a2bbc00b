package computectl.pageserver;

import computectl.metrics.StartupMetrics;
import computectl.tar.ExtractStats;
import computectl.tar.TarExtractor;
import computectl.util.ComputeCtlException;
import computectl.util.IoErrors;
import computectl.util.Log;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * {@code --basebackup-file} (our addition): PGDATA from a captured basebackup instead of the
 * pageserver, so a start can be replayed with no network. The file is a tar, or a gzipped tar such
 * as the pageserver's own COPY stream saved to disk; which one is told by its first bytes, not its
 * name. It goes through the same safe extractor as the pageserver's stream.
 */
public final class BasebackupFile {
  private static final int BUFFER = 256 << 10;
  private static final String CONFIG = "postgresql.conf";

  private BasebackupFile() {}

  /**
   * Unpacks {@code file} into {@code pgdata} and records {@code basebackup_bytes} (the file's size)
   * and {@code basebackup_ms}. The generated postgresql.conf is kept even when the archive has one
   * of its own (a {@code pg_basebackup -Ft} of a plain cluster does).
   *
   * @throws ComputeCtlException naming the file when it cannot be read or is not a (gzipped) tar
   */
  public static ExtractStats unpack(Path file, Path pgdata, StartupMetrics metrics) {
    long start = System.nanoTime();
    Log.info("taking the basebackup from file " + file + " instead of the pageserver");
    byte[] generatedConfig = readIfExists(pgdata.resolve(CONFIG));
    ExtractStats stats;
    long size;
    try (InputStream in = open(file)) {
      size = Files.size(file);
      stats = TarExtractor.extract(in, pgdata);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "could not read basebackup file " + file + ": " + describe(e), e);
    } catch (RuntimeException e) {
      throw new ComputeCtlException(
          "could not unpack basebackup file " + file + ": " + e.getMessage(), e);
    }
    keepGeneratedConfig(pgdata, generatedConfig);
    long ms = (System.nanoTime() - start) / 1_000_000;
    metrics.set(StartupMetrics.Field.BASEBACKUP_BYTES, size);
    metrics.set(StartupMetrics.Field.BASEBACKUP_MS, ms);
    Log.info(
        "basebackup file unpacked: "
            + size
            + " bytes, "
            + stats.entries()
            + " entries, "
            + stats.bytes()
            + " bytes in "
            + ms
            + " ms");
    return stats;
  }

  /** The file's content, gunzipped when it starts with the gzip magic number. */
  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    try {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, BUFFER) : raw;
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  private static byte[] readIfExists(Path p) {
    try {
      return Files.exists(p) ? Files.readAllBytes(p) : null;
    } catch (IOException e) {
      throw new ComputeCtlException("could not read " + p + ": " + describe(e), e);
    }
  }

  private static void keepGeneratedConfig(Path pgdata, byte[] generated) {
    if (generated == null) {
      return;
    }
    Path conf = pgdata.resolve(CONFIG);
    try {
      byte[] now = Files.exists(conf) ? Files.readAllBytes(conf) : null;
      if (!Arrays.equals(now, generated)) {
        Log.warn(
            "the basebackup file has its own "
                + CONFIG
                + "; keeping the one generated from the spec");
        Files.deleteIfExists(conf);
        Files.write(conf, generated);
      }
    } catch (IOException e) {
      throw new ComputeCtlException(
          "could not restore the generated " + conf + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    return IoErrors.describe(e);
  }
}
