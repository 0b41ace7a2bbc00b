package computectl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Footprint: compute_ctl's resident memory idle in Empty and in Running and after the HTTP load,
 * against an idle JVM of the same image and flags (the baseline HTTP server); the image's size on
 * disk and gzipped, and the app jar's size.
 */
final class FootprintBench {
  private FootprintBench() {}

  static List<Figure> figures(
      List<Mem> empty, List<Mem> running, List<Mem> afterLoad, List<Mem> floor, Path image)
      throws IOException {
    List<Figure> out = new ArrayList<>();
    Stats base = Stats.of(floor.stream().map(Mem::rssMib).toList());
    String baseName = "idle JVM of the same image and flags (JDK HttpServer)";
    if (!empty.isEmpty()) {
      out.add(rss("rss_idle_empty", "RSS idle in Empty (pooled)", empty, baseName, base, false));
      out.add(rss("rss_idle_running", "RSS idle in Running", running, baseName, base, true));
    }
    if (!afterLoad.isEmpty()) {
      out.add(
          rss("rss_after_http_load", "RSS after the HTTP load", afterLoad, baseName, base, false));
    }
    long disk = du(image);
    long gz = gzippedTar(image);
    long jar = Files.size(image.resolve("lib/app/compute_ctl.jar"));
    out.add(
        new Figure(
                "image_size",
                "Runtime image on disk (gzipped: " + (gz >> 10) + " KiB)",
                "KiB",
                Stats.of(List.of(disk >> 10)),
                null,
                null,
                null,
                null,
                java.util.Map.of())
            .detail("gzipped_kib", gz >> 10));
    long ours = ourJars(image.resolve("lib/app"));
    out.add(
        new Figure(
                "app_jar_size",
                "App jar (lib/app/compute_ctl.jar; all our jars: " + (ours >> 10) + " KiB)",
                "KiB",
                Stats.of(List.of(jar / 1024.0)),
                null,
                null,
                // The limit RuntimeImageJars_Test holds the build to and README states.
                "< 500 KB",
                jar < 500_000,
                java.util.Map.of())
            .detail("bytes", jar)
            .detail("all_our_jars_bytes", ours));
    return out;
  }

  private static Figure rss(
      String id, String title, List<Mem> mems, String baseName, Stats base, boolean target) {
    Stats anon = Stats.of(mems.stream().map(Mem::anonMib).toList());
    Figure f =
        Figure.of(
                id, title, "MiB", Stats.of(mems.stream().map(Mem::rssMib).toList()), baseName, base)
            .detail("anon_rss_mib", Report.stats(anon));
    return target
        ? f.target("<= 64 MiB, anonymous <= 32 MiB", f.ours().median() <= 64 && anon.median() <= 32)
        : f;
  }

  /** compute_ctl.jar and the optional jars beside it (vm-monitor, tools, stand-ins). */
  private static long ourJars(Path lib) throws IOException {
    try (Stream<Path> all = Files.list(lib)) {
      return all.filter(p -> p.getFileName().toString().startsWith("compute_ctl"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  private static long du(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  /** {@code tar -cz} of the image, counted (what a container layer of it would weigh). */
  private static long gzippedTar(Path image) throws IOException {
    Process p = new ProcessBuilder("tar", "-C", image.toString(), "-cf", "-", ".").start();
    CountingStream counter = new CountingStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(counter, 1 << 16)) {
      p.getInputStream().transferTo(gz);
    }
    try {
      if (p.waitFor() != 0) {
        throw new IOException("tar of the image failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return counter.count;
  }

  /** Counts what is written to it and keeps nothing. */
  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
