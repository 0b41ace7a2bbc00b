package computectl.fleet;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import computectl.standin.SpecBuilder;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One compute of the fleet: a real compute_ctl process from its member's image, run as the
 * unprivileged Postgres user when we are root, with its own PGDATA, ports and log file. It
 * remembers the status the fleet expects it to be in, which is what Prometheus must report.
 */
public final class FleetCompute implements AutoCloseable {
  /** Failed and terminated computes keep serving (and being scraped) until the fleet stops them. */
  static final String EXIT_GRACE_SECONDS = "3600";

  private final FleetMember member;
  private final ComputePorts ports;
  private final Path dir;
  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String expectedStatus;

  private FleetCompute(FleetMember member, ComputePorts ports, Path dir, Process process) {
    this.member = member;
    this.ports = ports;
    this.dir = dir;
    this.process = process;
    this.expectedStatus = member.start().settledStatus();
  }

  /** Starts compute_ctl; {@code dir} must be writable by {@code user} (null: ourselves). */
  static FleetCompute launch(
      FleetMember member,
      ComputePorts ports,
      Path dir,
      Path launcher,
      Path pgbin,
      String controlPlaneUri,
      String user) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                launcher.toString(),
                "--pgdata",
                dir.resolve("pgdata").toString(),
                "--connstr",
                "postgresql://cloud_admin@127.0.0.1:" + ports.postgres() + "/postgres",
                "--pgbin",
                pgbin.toString(),
                "--compute-id",
                member.name(),
                "--external-http-port",
                Integer.toString(ports.external()),
                "--internal-http-port",
                Integer.toString(ports.internal()),
                "--control-plane-uri",
                controlPlaneUri));
    ProcessBuilder pb =
        new ProcessBuilder(RunAs.command(user, cmd))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("compute_ctl.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("COMPUTE_CTL_EXIT_GRACE_SECONDS", EXIT_GRACE_SECONDS);
    if (member.start() == FleetMember.Start.PAGESERVER_REFUSES) {
      env.put("NEON_COMPUTE_TESTING_BASEBACKUP_RETRIES", "1");
    }
    try {
      return new FleetCompute(member, ports, dir, pb.start());
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot start compute_ctl for " + member.name() + ": " + e.getMessage(), e);
    }
  }

  public FleetMember member() {
    return member;
  }

  public String name() {
    return member.name();
  }

  public ComputePorts ports() {
    return ports;
  }

  /** host:port of its /metrics, as Prometheus scrapes it. */
  public String metricsTarget() {
    return "127.0.0.1:" + ports.external();
  }

  /** Whether the compute_ctl process is still running. */
  public boolean alive() {
    return process.isAlive();
  }

  public String expectedStatus() {
    return expectedStatus;
  }

  /**
   * The status /status reports, in the metric's spelling ({@code configuration-pending}); null when
   * unreachable.
   */
  public String status() throws InterruptedException {
    try {
      HttpResponse<String> r =
          send(HttpRequest.newBuilder(uri("/status")).GET(), Duration.ofSeconds(10));
      JsonValue s = r.statusCode() == 200 ? Json.parse(r.body()).asObject().get("status") : null;
      return s == null || !s.isString() ? null : s.asString().replace('_', '-');
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Polls /status until it is one of {@code statuses}; that status, or an error with the log's
   * tail.
   */
  String awaitStatus(Set<String> statuses, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = status();
      if (last != null && statuses.contains(last)) {
        return last;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new ComputeCtlException(
        name()
            + " did not reach "
            + statuses
            + " (last status "
            + last
            + ", process "
            + (process.isAlive() ? "running" : "exited " + process.exitValue())
            + "); its log ends:\n"
            + logTail(30));
  }

  /** POST /configure with {@code spec}; returns once the compute runs. */
  void configure(String spec) throws InterruptedException {
    HttpResponse<String> r =
        post("/configure", SpecBuilder.configureBody(spec), Duration.ofMinutes(2));
    if (r.statusCode() != 200 || !r.body().contains("\"status\":\"running\"")) {
      throw new ComputeCtlException(
          "/configure of "
              + name()
              + " answered "
              + r.statusCode()
              + " "
              + r.body()
              + "; its log ends:\n"
              + logTail(30));
    }
    expectedStatus = "running";
  }

  /** POST /terminate; returns once Postgres has stopped and the compute reports terminated. */
  void terminate() throws InterruptedException {
    HttpResponse<String> r = post("/terminate", "", Duration.ofSeconds(90));
    if (r.statusCode() != 200) {
      throw new ComputeCtlException(
          "/terminate of " + name() + " answered " + r.statusCode() + " " + r.body());
    }
    expectedStatus = "terminated";
  }

  private HttpResponse<String> post(String path, String body, Duration timeout)
      throws InterruptedException {
    try {
      return send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)),
          timeout);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "POST " + path + " to " + name() + " failed: " + e.getMessage(), e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://" + metricsTarget() + path);
  }

  /** The last {@code lines} lines of compute_ctl's log. */
  public String logTail(int lines) {
    return FleetProcesses.logTail(dir.resolve("compute_ctl.log"), lines);
  }

  /**
   * Stops compute_ctl (SIGTERM: it stops its Postgres first), then any Postgres left in its PGDATA.
   */
  @Override
  public void close() {
    try {
      ChildProcesses.stop(process, 30, 10);
      stopLeftoverPostgres();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopLeftoverPostgres() throws InterruptedException {
    Path pidFile = dir.resolve("pgdata/postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
      var handle = ProcessHandle.of(pid);
      if (handle.isPresent() && handle.get().info().command().orElse("").contains("postgres")) {
        ChildProcesses.signal(pid, "QUIT");
        handle.get().onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
      Log.warn("could not check for a Postgres left in " + pidFile + ": " + e);
    }
  }
}
