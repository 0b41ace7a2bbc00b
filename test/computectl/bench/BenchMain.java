package computectl.bench;

import computectl.util.Log;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code make bench}: runs every figure of README's Performance table against the runtime image,
 * each beside a baseline measured in the same run, prints the table and writes {@code
 * <out>/results.json}. Arguments: {@code --image DIR --out DIR [--runs N] [--http-seconds S]
 * [--only a,b]}.
 */
public final class BenchMain {
  static final List<String> GROUPS =
      List.of("boot", "critical", "spec", "extract", "http", "footprint");

  private BenchMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = options(argv);
    Path image = Path.of(opts.getOrDefault("image", "build/image")).toAbsolutePath();
    Path out = Path.of(opts.getOrDefault("out", "build/bench"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
    int httpSeconds = Integer.parseInt(opts.getOrDefault("http-seconds", "4"));
    Set<String> only =
        Set.copyOf(List.of(opts.getOrDefault("only", String.join(",", GROUPS)).split(",")));
    System.setProperty("computectl.image", image.toString());
    PrintStream console = System.out;
    Log.setOutput(new PrintStream(java.io.OutputStream.nullOutputStream()));
    List<Figure> figures = new ArrayList<>();
    BenchLogs.into(out.resolve("logs"));
    long t0 = System.nanoTime();
    String loadAtStart = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    try (BenchEnv env = new BenchEnv(image)) {
      CriticalPathBench.Result critical = null;
      if (only.contains("critical") || only.contains("footprint")) {
        console.println("bench: critical path (" + runs + " runs + 1 warm-up each side) ...");
        critical = new CriticalPathBench(env, runs, 2000).run();
        figures.addAll(critical.figures());
      }
      if (only.contains("boot")) {
        console.println("bench: boot (" + runs + " runs + 1 warm-up) ...");
        figures.add(new BootBench(env, runs).run());
      }
      if (only.contains("spec")) {
        console.println("bench: spec apply at scale (" + runs + " runs each side) ...");
        figures.addAll(new SpecScaleBench(env, runs).run());
      }
      if (only.contains("extract")) {
        console.println("bench: basebackup extraction, > 1 GiB (" + runs + " runs each side) ...");
        figures.add(new ExtractionBench(env, runs).run());
      }
      HttpBench.Result http = null;
      if (only.contains("http")) {
        console.println(
            "bench: HTTP load ("
                + runs
                + " runs of "
                + httpSeconds
                + " s per endpoint and side) ...");
        http = new HttpBench(env, runs, httpSeconds).run();
        figures.addAll(http.figures());
      }
      if (only.contains("footprint")) {
        figures.addAll(
            FootprintBench.figures(
                critical.empty(),
                critical.running(),
                http == null ? List.of() : http.afterLoad(),
                http == null ? List.of() : http.baselineIdle(),
                image));
      }
      Report.print(figures, console);
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("runs", runs);
    context.put("image", image.toString());
    context.put("cores", Runtime.getRuntime().availableProcessors());
    context.put("load_average_at_start", loadAtStart);
    context.put(
        "load_average_at_end", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    context.put("load_generator", Wrk.installed() ? "wrk" : "bench load generator");
    context.put("bench_seconds", (System.nanoTime() - t0) / 1e9);
    Report.writeJson(figures, out, context);
    console.println(
        "bench: results in "
            + out.resolve("results.json")
            + " ("
            + Report.num((System.nanoTime() - t0) / 1e9)
            + " s)");
  }

  private static Map<String, String> options(String[] argv) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + argv[i]);
      }
      opts.put(argv[i].substring(2), argv[i + 1]);
    }
    return opts;
  }
}
