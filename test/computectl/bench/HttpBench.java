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
 * HTTP: /status and /metrics of a Running compute under 200 concurrent keep-alive connections,
 * against the same JDK server answering the same bytes ({@link BaselineHttpServer}). Also the
 * memory of the compute after the load and of the idle baseline JVM (the footprint floor).
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
      List<List<LoadResult>> ours = new ArrayList<>();
      for (String path : PATHS) {
        List<LoadResult> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          rs.add(load(node.externalPort(), path));
          after.add(Mem.of(cc.pid()));
        }
        ours.add(rs);
      }
      List<List<LoadResult>> base = baseline(bodies, floor);
      for (int p = 0; p < PATHS.size(); p++) {
        figures.addAll(figures(PATHS.get(p), ours.get(p), base.get(p)));
      }
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

  private List<Figure> figures(String path, List<LoadResult> ours, List<LoadResult> base) {
    Stats rps = Stats.of(ours.stream().map(LoadResult::requestsPerSecond).toList());
    Stats p99 = Stats.of(ours.stream().map(LoadResult::p99Millis).toList());
    long errors = ours.stream().mapToLong(LoadResult::errors).sum();
    long requests = ours.stream().mapToLong(LoadResult::requests).sum();
    String how = ours.get(0).tool() + ", " + runs + " runs of " + seconds + " s";
    String baseName =
        "JDK HttpServer, same threads, fixed " + path + " bytes, same image and flags";
    Figure r =
        Figure.of(
                "http" + path.replace('/', '_') + "_rps",
                "HTTP "
                    + path
                    + ": requests per second ("
                    + CONNECTIONS
                    + " keep-alive connections)",
                "req/s",
                rps,
                baseName,
                Stats.of(base.stream().map(LoadResult::requestsPerSecond).toList()))
            .detail("load", how)
            .detail("requests", requests)
            .detail("errors", errors);
    r = r.target(">= 10,000 req/s, no errors", rps.median() >= 10_000 && errors == 0);
    Figure l =
        Figure.of(
            "http" + path.replace('/', '_') + "_p99",
            "HTTP " + path + ": p99 latency",
            "ms",
            p99,
            baseName,
            Stats.of(base.stream().map(LoadResult::p99Millis).toList()));
    l = l.target("<= 10 ms", p99.median() <= 10);
    return List.of(r, l);
  }

  private List<List<LoadResult>> baseline(List<String> bodies, List<Mem> floor)
      throws IOException, InterruptedException {
    Path dir = computectl.testsupport.TestPg.workDir("computectl-bench-http-");
    int port = computectl.testsupport.TestPg.freePort();
    List<String> cmd = new ArrayList<>(List.of(env.imageJava().toString()));
    cmd.addAll(launcherFlags(env.launcher));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
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
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!"ready".equals(line)) {
        throw new IOException("baseline HTTP server did not start: " + line);
      }
      Thread.sleep(1000);
      floor.add(Mem.of(server.pid()));
      List<List<LoadResult>> all = new ArrayList<>();
      for (String path : PATHS) {
        List<LoadResult> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          rs.add(load(port, path));
        }
        all.add(rs);
      }
      return all;
    } finally {
      server.destroy();
      server.waitFor();
      BenchEnv.deleteTree(dir);
    }
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
}
