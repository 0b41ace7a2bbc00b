package computectl.fleet;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.standin.Ports;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus server (the Debian package's binary) on a loopback port, with a generated
 * configuration and its own data directory, queried through its HTTP API.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/prometheus");

  private final Process process;
  private final int port;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Writes the configuration into {@code dir}, starts Prometheus and waits until it is ready. */
  public static PrometheusServer start(
      Path binary, Path dir, PrometheusConfig config, Duration readyTimeout)
      throws InterruptedException {
    if (!Files.isExecutable(binary)) {
      throw new ComputeCtlException(
          "no Prometheus server at " + binary + " (install the Debian package prometheus)");
    }
    int port = Ports.reserve();
    Process p;
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("prometheus.yml"), config.yaml(), StandardCharsets.UTF_8);
      p =
          new ProcessBuilder(
                  binary.toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--storage.tsdb.retention.time=1d")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot start Prometheus from " + binary + " in " + dir + ": " + e.getMessage(), e);
    }
    PrometheusServer server = new PrometheusServer(p, port, dir);
    try {
      server.awaitReady(readyTimeout);
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    Log.info("fleet: Prometheus ready at " + server.url());
    return server;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Whether the Prometheus process is still running. */
  public boolean alive() {
    return process.isAlive();
  }

  public int port() {
    return port;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new ComputeCtlException(
        "Prometheus did not become ready in "
            + timeout.toSeconds()
            + " s ("
            + (process.isAlive() ? "still running" : "exited " + process.exitValue())
            + "); its log ends:\n"
            + logTail(20));
  }

  /** Evaluates {@code promql} now (GET /api/v1/query); an instant vector's samples. */
  public List<PromSample> query(String promql) throws InterruptedException {
    HttpResponse<String> r;
    try {
      r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ComputeCtlException("query " + promql + " failed: " + e.getMessage(), e);
    }
    JsonObject body = Json.parse(r.body()).asObject();
    if (r.statusCode() != 200 || !"success".equals(body.getString("status", ""))) {
      throw new ComputeCtlException(
          "query " + promql + " answered " + r.statusCode() + ": " + r.body());
    }
    JsonObject data = body.get("data").asObject();
    if (!"vector".equals(data.getString("resultType", ""))) {
      throw new ComputeCtlException(
          "query " + promql + " gave a " + data.getString("resultType", "?") + ", not a vector");
    }
    List<PromSample> out = new ArrayList<>();
    for (JsonValue v : data.get("result").asArray()) {
      JsonObject sample = v.asObject();
      Map<String, String> labels = new HashMap<>();
      for (JsonObject.Member m : sample.get("metric").asObject()) {
        labels.put(m.getName(), m.getValue().asString());
      }
      out.add(
          new PromSample(
              labels, Double.parseDouble(sample.get("value").asArray().get(1).asString())));
    }
    return out;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public String logTail(int lines) {
    return FleetProcesses.logTail(dir.resolve("prometheus.log"), lines);
  }

  @Override
  public void close() {
    try {
      ChildProcesses.stop(process, 20, 5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
