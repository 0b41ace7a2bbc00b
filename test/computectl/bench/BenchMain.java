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
 * [--only a,b]}; without {@code --only}, the start figures and the footprint ({@link
 * #DEFAULT_GROUPS}); {@code --only all} runs every group.
 */
public final class BenchMain {
  static final List<String> GROUPS =
      List.of(
          "critical",
          "warmup",
          "cold",
          "basebackup",
          "boot",
          "spec",
          "extract",
          "http",
          "footprint",
          "runtime");

  /** What a plain {@code make bench} runs: the start figures and the footprint. */
  static final List<String> DEFAULT_GROUPS =
      List.of("critical", "warmup", "cold", "basebackup", "boot", "footprint");

  /** How long a pooled compute waits in Empty before its /configure. */
  static final long POOL_IDLE_MILLIS = 2000;

  private BenchMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = options(argv);
    Path image = Path.of(opts.getOrDefault("image", "build/image")).toAbsolutePath();
    Path out = Path.of(opts.getOrDefault("out", "build/bench"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
    int httpSeconds = Integer.parseInt(opts.getOrDefault("http-seconds", "4"));
    Set<String> only =
        Set.copyOf(
            List.of(
                opts.getOrDefault("only", String.join(",", DEFAULT_GROUPS))
                    .replace("all", String.join(",", GROUPS))
                    .split(",")));
    System.setProperty("computectl.image", image.toString());
    PrintStream console = System.out;
    Log.setOutput(new PrintStream(java.io.OutputStream.nullOutputStream()));
    List<Figure> figures = new ArrayList<>();
    BenchLogs.into(out.resolve("logs"));
    long t0 = System.nanoTime();
    String loadAtStart = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    try (BenchEnv env = new BenchEnv(image)) {
      CriticalPathBench.Result critical = null;
      for (String g : only) {
        if (!GROUPS.contains(g)) {
          throw new IllegalArgumentException("unknown group " + g + " (groups: " + GROUPS + ")");
        }
      }
      boolean pooled = only.contains("critical") || only.contains("footprint");
      if (pooled || only.contains("cold") || only.contains("warmup")) {
        console.println(
            "bench: critical path, "
                + (pooled ? "pooled, " : "")
                + (only.contains("warmup") ? "pooled without warm-up, " : "")
                + (only.contains("cold") ? "cold, " : "")
                + "shell interleaved ("
                + runs
                + " runs + 1 warm-up round) ...");
        critical =
            new CriticalPathBench(
                    env,
                    runs,
                    POOL_IDLE_MILLIS,
                    pooled,
                    only.contains("cold"),
                    only.contains("warmup"))
                .run();
        figures.addAll(critical.figures());
      }
      if (only.contains("runtime")) {
        Path imageB = Path.of(opts.getOrDefault("image-b", "build-25/image")).toAbsolutePath();
        console.println(
            "bench: runtime A/B, " + image + " against " + imageB + " (" + runs + " rounds) ...");
        figures.addAll(new RuntimeAbBench(env, runs, POOL_IDLE_MILLIS, image, imageB).run());
      }
      if (only.contains("basebackup")) {
        console.println(
            "bench: basebackup phase, two shapes (" + runs + " runs + 1 warm-up pair each) ...");
        figures.addAll(new BasebackupBench(env, runs, POOL_IDLE_MILLIS).run());
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
