package computectl.bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import computectl.testsupport.TestPg;
import computectl.util.ChildProcesses;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** compute_ctl from the runtime image, as the Postgres user, with the moment it was exec'd. */
final class BenchCompute implements AutoCloseable {
  final BenchNode node;
  final Process process;
  final long startNanos;
  private final java.time.Instant startInstant;
  private final Path log;
  private final String name;

  private BenchCompute(
      BenchNode node,
      Process process,
      long startNanos,
      java.time.Instant startInstant,
      Path log,
      String name) {
    this.node = node;
    this.process = process;
    this.startNanos = startNanos;
    this.startInstant = startInstant;
    this.log = log;
    this.name = name;
  }

  /**
   * A pooled compute when {@code specFile} is null and {@code controlPlaneUri} is given; its log is
   * kept as {@code name} (see {@link BenchLogs}).
   */
  static BenchCompute start(
      BenchEnv env, BenchNode node, Path specFile, String controlPlaneUri, String name)
      throws IOException {
    return start(env, node, specFile, controlPlaneUri, name, Map.of());
  }

  /** As above, with more environment variables for compute_ctl. */
  static BenchCompute start(
      BenchEnv env,
      BenchNode node,
      Path specFile,
      String controlPlaneUri,
      String name,
      Map<String, String> extraEnv)
      throws IOException {
    return start(env.launcher, env, node, specFile, controlPlaneUri, name, extraEnv);
  }

  /** As above, from the image of {@code launcher} (an A/B of two images). */
  static BenchCompute start(
      Path launcher,
      BenchEnv env,
      BenchNode node,
      Path specFile,
      String controlPlaneUri,
      String name,
      Map<String, String> extraEnv)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                launcher.toString(),
                "--pgdata",
                node.pgdata().toString(),
                "--connstr",
                node.connstr(),
                "--pgbin",
                env.pg.postgres().toString(),
                "--compute-id",
                "compute-bench",
                "--external-http-port",
                Integer.toString(node.externalPort()),
                "--internal-http-port",
                Integer.toString(node.internalPort())));
    if (specFile != null) {
      cmd.addAll(List.of("--spec-path", specFile.toString()));
    }
    if (controlPlaneUri != null) {
      cmd.addAll(List.of("--control-plane-uri", controlPlaneUri));
    }
    Path log = TestPg.workDir("computectl-bench-log-").resolve("compute_ctl.log");
    ProcessBuilder pb =
        new ProcessBuilder(RunAs.command(BenchEnv.user(), cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // Two seconds, not none: a compute that fails (the Neon-shaped basebackup, which vanilla
    // Postgres cannot start from) must still answer /metrics.json for its phase timings.
    pb.environment().putAll(Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", "2"));
    pb.environment().putAll(extraEnv);
    java.time.Instant wall = java.time.Instant.now();
    long t0 = System.nanoTime();
    Process p = pb.start();
    return new BenchCompute(node, p, t0, wall, log, name);
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls /status (every millisecond while refused) until its body contains {@code text}; returns
   * ms since exec.
   */
  double awaitStatus(String text, long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        RawHttp.Response r = RawHttp.get(node.externalPort(), "/status", 5000);
        last = r.body();
        if (last.contains(text)) {
          return (System.nanoTime() - startNanos) / 1e6;
        }
        Thread.sleep(5);
      } catch (IOException e) {
        last = e.toString();
        Thread.sleep(1);
      }
      if (!process.isAlive()) {
        break;
      }
    }
    throw new IOException(
        "compute_ctl status never contained " + text + "; last: " + last + "\nlog:\n" + log());
  }

  /** Waits until the log contains {@code text} (e.g. the background migrations finished). */
  void awaitLog(String text, long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!log().contains(text)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IOException("compute_ctl never logged " + text + "\n" + log());
      }
      Thread.sleep(5);
    }
  }

  /**
   * Waits for a log line containing {@code text}; returns ms from exec to that line's timestamp.
   * Reading the log file leaves the compute alone, where polling /status would add HTTP requests
   * (and their log lines) to the start being measured.
   */
  double awaitLogLine(String text, long timeoutMillis) throws IOException, InterruptedException {
    awaitLog(text, timeoutMillis);
    for (String line : log().split("\n")) {
      if (line.contains(text)) {
        java.time.Instant at = java.time.Instant.parse(line.substring(0, line.indexOf(' ')));
        return java.time.Duration.between(startInstant, at).toNanos() / 1e6;
      }
    }
    throw new IOException("log line " + text + " vanished");
  }

  RawHttp.Response post(String path, String body, int timeoutMillis) throws IOException {
    return RawHttp.post(node.externalPort(), path, body, timeoutMillis);
  }

  JsonObject metricsJson() throws IOException {
    return Json.parse(RawHttp.get(node.externalPort(), "/metrics.json", 5000).body()).asObject();
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** POST /terminate and wait for the exit; kills it when it does not go. */
  void terminate() throws IOException, InterruptedException {
    try {
      post("/terminate", "", 60_000);
    } catch (IOException e) {
      // it may already be gone; the wait below decides
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("compute_ctl did not exit after /terminate\n" + log());
    }
  }

  @Override
  public void close() {
    try {
      ChildProcesses.stop(process, 20, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      BenchLogs.save(name, log());
    } catch (IOException e) {
      System.err.println("bench: could not keep the log of " + name + ": " + e);
    }
    BenchEnv.deleteAtEnd(log.getParent());
    BenchEnv.deleteAtEnd(node.dir());
  }
}
