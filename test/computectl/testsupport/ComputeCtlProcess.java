package computectl.testsupport;

import computectl.util.ChildProcesses;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real compute_ctl (the runtime image's launcher) started as a process, as the unprivileged
 * Postgres user when the tests run as root; its stderr goes to a log file the test can read.
 */
public final class ComputeCtlProcess implements AutoCloseable {
  private static Path stagedImage;

  private final Process process;
  private final Path log;
  private final int externalPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ComputeCtlProcess(Process process, Path log, int externalPort) {
    this.process = process;
    this.log = log;
    this.externalPort = externalPort;
  }

  /** The launcher, copied to a place the Postgres user can reach when the checkout is not. */
  public static synchronized Path launcher() {
    Path image = TestScope.image();
    String user = TestPg.user();
    if (user == null || reachable(user, image.resolve("bin/java"))) {
      return image.resolve("bin/compute_ctl");
    }
    if (stagedImage == null) {
      try {
        Path dir = RunAs.ownedTempDir(null, "computectl-image-");
        Files.setPosixFilePermissions(
            dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        run(List.of("cp", "-a", image.toString(), dir.resolve("image").toString()));
        stagedImage = dir.resolve("image");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return stagedImage.resolve("bin/compute_ctl");
  }

  private static boolean reachable(String user, Path file) {
    try {
      return run(RunAs.command(user, List.of("test", "-x", file.toString()))) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static int run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Starts compute_ctl with these arguments; {@code env} entries are added to ours. */
  public static ComputeCtlProcess start(
      List<String> args, Map<String, String> env, int externalPort) {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(args);
    Path log = TestPg.workDir("computectl-log-").resolve("compute_ctl.log");
    ProcessBuilder pb =
        new ProcessBuilder(RunAs.command(TestPg.user(), cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    try {
      return new ComputeCtlProcess(pb.start(), log, externalPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + externalPort + path);
  }

  /** Polls /status until its body passes {@code until}; returns the last body. */
  public String awaitStatus(Predicate<String> until, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get("/status");
        last = r.body();
        if (until.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      if (!process.isAlive() && !until.test(last)) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status not reached; last /status: " + last + "\nlog:\n" + log());
  }

  /** Waits for exit; returns the exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("compute_ctl did not exit in " + timeout + "\nlog:\n" + log());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      ChildProcesses.stop(process, 20, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
