package computectl.bench;

import computectl.tar.TarEntry;
import computectl.tar.TarExtractor;
import computectl.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A look inside the basebackup figure, not part of {@code make bench}: the stages of unpacking a
 * gzipped tar held in memory (no socket), timed one by one in one JVM after {@code warmups} untimed
 * rounds (a pooled compute has run its warm-up in Empty before /configure). Run it with the image's
 * java and the launcher's flags, one JVM per measurement, and alternate builds to compare them.
 *
 * <p>Usage: {@code ExtractStages <archive.tar.gz> <scratch dir> <stage> [warmups]}; stage is {@code
 * inflate} (gunzip to nothing), {@code parse} (gunzip and read every tar header and body) or {@code
 * extract} (the extractor into a fresh directory). Prints the timed round in ms.
 */
public final class ExtractStages {
  private static final int GZIP_BUFFER = 256 << 10;

  private ExtractStages() {}

  public static void main(String[] args) throws Exception {
    byte[] gz = Files.readAllBytes(Path.of(args[0]));
    Path scratch = Path.of(args[1]);
    String stage = args[2];
    int warmups = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    double ms = 0;
    // The rounds' directories are removed at the end, not between rounds: files created within
    // 30 s of a mass deletion cost much more on an ext4 without a journal (see BenchEnv).
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i <= warmups; i++) {
      Path dir = Files.createTempDirectory(scratch, "stage-");
      dirs.add(dir);
      long t0 = System.nanoTime();
      run(stage, gz, dir);
      ms = (System.nanoTime() - t0) / 1e6;
    }
    dirs.forEach(BenchEnv::deleteTree);
    System.out.printf("%s %.1f%n", stage, ms);
  }

  private static void run(String stage, byte[] gz, Path dir) throws Exception {
    InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), GZIP_BUFFER);
    switch (stage) {
      case "inflate" -> {
        byte[] buf = new byte[GZIP_BUFFER];
        while (in.read(buf) >= 0) {
          // the bytes are not needed, only the time to produce them
        }
      }
      case "parse" -> {
        TarReader r = new TarReader(in);
        byte[] buf = new byte[GZIP_BUFFER];
        TarEntry e;
        while ((e = r.next()) != null) {
          if (e.type() == TarEntry.Type.FILE) {
            while (r.body().read(buf) >= 0) {
              // read every body as the extractor does
            }
          }
        }
      }
      case "extract" -> TarExtractor.extract(in, dir);
      default -> throw new IllegalArgumentException("unknown stage " + stage);
    }
  }
}
