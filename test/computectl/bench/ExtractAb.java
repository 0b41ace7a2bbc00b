package computectl.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An A/B of two builds of the extractor in one JVM, not part of {@code make bench}: each build's
 * classes in a class loader of its own, a gzipped tar held in memory unpacked by A then B, round
 * after round, after untimed warm-up rounds (a pooled compute has run its warm-up in Empty). Run it
 * with the image's java and the launcher's flags.
 *
 * <p>Usage: {@code ExtractAb <archive.tar.gz> <scratch dir> <classes A> <classes B> [rounds]
 * [warmups]}. Prints every round and the median [min..max] of each side and of B / A.
 */
public final class ExtractAb {
  private ExtractAb() {}

  public static void main(String[] args) throws Exception {
    byte[] gz = Files.readAllBytes(Path.of(args[0]));
    Path scratch = Path.of(args[1]);
    Method a = extractor(Path.of(args[2]));
    Method b = extractor(Path.of(args[3]));
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    int warmups = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<Double> cpuA = new ArrayList<>();
    List<Double> cpuB = new ArrayList<>();
    for (int i = 0; i < warmups + rounds; i++) {
      boolean bFirst = i % 2 == 1; // alternate the order, so neither side always follows the other
      double[] ta = bFirst ? null : once(a, gz, scratch);
      double[] tb = once(b, gz, scratch);
      if (bFirst) {
        ta = once(a, gz, scratch);
      }
      if (i >= warmups) {
        as.add(ta[0]);
        bs.add(tb[0]);
        cpuA.add(ta[1]);
        cpuB.add(tb[1]);
        ratios.add(tb[0] / ta[0]);
        System.out.printf(
            "round %d: A %.1f ms (cpu %.1f), B %.1f ms (cpu %.1f)%n",
            i - warmups, ta[0], ta[1], tb[0], tb[1]);
      }
    }
    System.out.println("A " + show(Stats.of(as)) + " ms");
    System.out.println("B " + show(Stats.of(bs)) + " ms");
    System.out.println("B / A " + show(Stats.of(ratios)));
    System.out.println("process CPU: A " + show(Stats.of(cpuA)) + " ms, B " + show(Stats.of(cpuB)));
    DONE.forEach(BenchEnv::deleteTree);
  }

  private static final List<Path> DONE = new ArrayList<>();

  private static String show(Stats s) {
    return String.format("%.2f [%.2f..%.2f]", s.median(), s.min(), s.max());
  }

  private static Method extractor(Path classes) throws Exception {
    URL[] urls = {classes.toUri().toURL()};
    ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    return Class.forName("computectl.tar.TarExtractor", true, loader)
        .getMethod("extract", InputStream.class, Path.class);
  }

  /** Wall and process CPU time (all threads, the JVM's own too) of one extraction, in ms. */
  private static double[] once(Method extract, byte[] gz, Path scratch) throws Exception {
    Path dir = Files.createTempDirectory(scratch, "ab-");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    extract.invoke(null, new GZIPInputStream(new ByteArrayInputStream(gz), 256 << 10), dir);
    double ms = (System.nanoTime() - t0) / 1e6;
    double cpu = (os.getProcessCpuTime() - c0) / 1e6;
    // Removed at the end, not now: files created within 30 s of a mass deletion cost much more
    // on an ext4 without a journal (see BenchEnv.deleteAtEnd).
    DONE.add(dir);
    return new double[] {ms, cpu};
  }
}
