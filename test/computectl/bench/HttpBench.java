package computectl.bench;

import computectl.util.RunAs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP: /status and /metrics of a Running compute under 200 concurrent keep-alive connections, run
 * by run in turn with the bare JDK server answering the same bytes ({@link BaselineHttpServer});
 * compute_ctl's threads during each run; its memory after the load and that of the idle baseline
 * JVM (the footprint floor).
 */
final class HttpBench {
  static final int CONNECTIONS = 200;
  static final List<String> PATHS = List.of("/status", "/metrics");

  record Result(List<Figure> figures, List<Mem> afterLoad, List<Mem> baselineIdle) {}

  private final BenchEnv env;
  private final int runs;
  private final int seconds;

  HttpBench(BenchEnv env, int runs, int seconds) {
    this.env = env;
    this.runs = runs;
    this.seconds = seconds;
  }

  Result run() throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    Path spec =
        BenchEnv.writeFile(
            "computectl-bench-spec-", "spec.json", CriticalPathBench.spec(env, node));
    List<Figure> figures = new ArrayList<>();
    List<Mem> after = new ArrayList<>();
    List<Mem> floor = new ArrayList<>();
    try (BenchCompute cc = BenchCompute.start(env, node, spec, null, "http")) {
      cc.awaitStatus("\"status\":\"running\"", 120_000);
      cc.awaitLog("Finished migration id=" + SpecScaleBench.LAST_MIGRATION, 120_000);
      List<String> bodies = new ArrayList<>();
      for (String path : PATHS) {
        bodies.add(RawHttp.get(node.externalPort(), path, 5000).body());
      }
      Path dir = computectl.testsupport.TestPg.workDir("computectl-bench-http-");
      int basePort = computectl.testsupport.TestPg.freePort();
      Process baseline = startBaseline(dir, basePort, bodies);
      try {
        Thread.sleep(1000);
        floor.add(Mem.of(baseline.pid()));
        // Ours and the baseline take turns, run by run, so that both see the same machine.
        for (String path : PATHS) {
          List<LoadResult> ours = new ArrayList<>();
          List<LoadResult> base = new ArrayList<>();
          List<Integer> threads = new ArrayList<>();
          for (int i = 0; i < runs; i++) {
            try (ThreadSampler sampler = new ThreadSampler(cc.pid())) {
              ours.add(load(node.externalPort(), path));
              threads.add(sampler.most());
            }
            after.add(Mem.of(cc.pid()));
            base.add(load(basePort, path));
          }
          figures.addAll(figures(path, ours, base, threads));
        }
      } finally {
        baseline.destroy();
        baseline.waitFor();
        BenchEnv.deleteTree(dir);
      }
      Thread.sleep(2000);
      Mem settled = Mem.of(cc.pid());
      figures.add(
          Figure.of(
                  "http_rss_after_load",
                  "HTTP: compute_ctl RSS 2 s after the last load",
                  "MiB",
                  Stats.of(List.of(settled.rssMib())),
                  "baseline JVM idle",
                  Stats.of(floor.stream().map(Mem::rssMib).toList()))
              .target("<= 80 MiB", settled.rssMib() <= 80));
      cc.terminate();
    } finally {
      BenchEnv.deleteTree(spec.getParent());
    }
    return new Result(figures, after, floor);
  }

  private LoadResult load(int port, String path) throws IOException, InterruptedException {
    return Wrk.installed()
        ? Wrk.run(port, path, CONNECTIONS, seconds)
        : new LoadGen(port, path, CONNECTIONS).run(seconds * 1000L);
  }

  private List<Figure> figures(
      String path, List<LoadResult> ours, List<LoadResult> base, List<Integer> threads) {
    Stats rps = Stats.of(ours.stream().map(LoadResult::requestsPerSecond).toList());
    Stats baseRps = Stats.of(base.stream().map(LoadResult::requestsPerSecond).toList());
    Stats p99 = Stats.of(ours.stream().map(LoadResult::p99Millis).toList());
    Stats baseP99 = Stats.of(base.stream().map(LoadResult::p99Millis).toList());
    long errors = ours.stream().mapToLong(LoadResult::errors).sum();
    long requests = ours.stream().mapToLong(LoadResult::requests).sum();
    String how =
        ours.get(0).tool()
            + ", "
            + runs
            + " runs of "
            + seconds
            + " s, alternating with the baseline";
    String baseName = "bare JDK HttpServer (16 threads) answering the same " + path + " bytes";
    String id = "http" + path.replace('/', '_');
    Figure r =
        Figure.of(
                id + "_rps",
                "HTTP "
                    + path
                    + ": requests per second ("
                    + CONNECTIONS
                    + " keep-alive connections)",
                "req/s",
                rps,
                baseName,
                baseRps)
            .detail("load", how)
            .detail("requests", requests)
            .detail("errors", errors);
    r = r.target(">= 0.8x the baseline, no errors", r.ratio() >= 0.8 && errors == 0);
    Figure l =
        Figure.of(id + "_p99", "HTTP " + path + ": p99 latency", "ms", p99, baseName, baseP99);
    l = l.target("<= 2x the baseline's", l.ratio() <= 2);
    Stats most = Stats.of(threads);
    Figure t =
        Figure.of(
                id + "_threads",
                "HTTP " + path + ": compute_ctl threads, the most seen during each run",
                "threads",
                most,
                null,
                null)
            .target("<= 64 throughout", most.max() <= 64);
    return List.of(r, l, t);
  }

  /** Starts the baseline server with the launcher's JVM flags; it answers once it says ready. */
  private Process startBaseline(Path dir, int port, List<String> bodies)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(env.imageJava().toString()));
    cmd.addAll(launcherFlags(env.launcher));
    cmd.addAll(
        List.of(
            "-cp",
            absoluteClassPath(),
            BaselineHttpServer.class.getName(),
            Integer.toString(port)));
    for (int p = 0; p < PATHS.size(); p++) {
      Path f = dir.resolve("body" + p);
      Files.writeString(f, bodies.get(p), StandardCharsets.UTF_8);
      cmd.add(PATHS.get(p) + "=" + f);
    }
    RunAs.chownTree(BenchEnv.user(), dir);
    Process server =
        new ProcessBuilder(RunAs.command(BenchEnv.user(), cmd)).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      server.destroy();
      server.waitFor();
      throw new IOException("baseline HTTP server did not start: " + line);
    }
    return server;
  }

  /** The JVM flags of the launcher's exec line, so the baseline JVM runs as compute_ctl's does. */
  static List<String> launcherFlags(Path launcher) throws IOException {
    List<String> flags = new ArrayList<>();
    Matcher m = Pattern.compile("(?<=\\s)-[XD]\\S+").matcher(Files.readString(launcher));
    while (m.find()) {
      String f = m.group();
      if (!f.contains("$") && !f.contains("\"") && !f.startsWith("-XX:SharedArchiveFile")) {
        flags.add(f);
      }
    }
    return flags;
  }

  /** The bench's class path with every entry absolute: the server runs in another directory. */
  private static String absoluteClassPath() {
    StringBuilder cp = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (cp.length() > 0) {
        cp.append(java.io.File.pathSeparator);
      }
      cp.append(java.nio.file.Path.of(e).toAbsolutePath());
    }
    return cp.toString();
  }
}
