package computectl.testsupport;

import computectl.standin.ReachableImage;
import computectl.util.BuildInfo;
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
 * Postgres user when the tests run as root. Its stderr (the log) and its stdout (results, such as
 * the offline commands print) go to two files, so that a log line never mixes into a result.
 */
public final class ComputeCtlProcess implements AutoCloseable {
  /** Short, so that a state that lasts only the exit grace is not missed between two polls. */
  private static final long STATUS_POLL_MILLIS = 20;

  private static Path stagedLauncher;

  private final Process process;
  private final Path log;
  private final Path stdout;
  private final int externalPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ComputeCtlProcess(Process process, Path log, Path stdout, int externalPort) {
    this.process = process;
    this.log = log;
    this.stdout = stdout;
    this.externalPort = externalPort;
  }

  /** The launcher, copied to a place the Postgres user can reach when the checkout is not. */
  public static synchronized Path launcher() {
    if (stagedLauncher == null) {
      Path image = TestScope.image();
      stagedLauncher =
          ReachableImage.launcher(
              image, TestPg.user(), TestPg.workDir("computectl-image-").resolve("image"));
    }
    return stagedLauncher;
  }

  /**
   * The tag the build stamped into the image under test ({@code BUILD_TAG}, "latest" by default).
   */
  public static String buildTag() {
    return BuildInfo.tagOf(image());
  }

  private static Path image() {
    return Path.of(System.getProperty("computectl.image", "build/image")).toAbsolutePath();
  }

  /** Starts compute_ctl with these arguments; {@code env} entries are added to ours. */
  public static ComputeCtlProcess start(
      List<String> args, Map<String, String> env, int externalPort) {
    return start(List.of(), args, env, externalPort);
  }

  /**
   * Like {@link #start(List, Map, int)}, run through {@code wrapper} (a command that execs its
   * arguments, such as {@code prlimit --core=unlimited --}), which runs as us, before the switch to
   * the Postgres user.
   */
  public static ComputeCtlProcess start(
      List<String> wrapper, List<String> args, Map<String, String> env, int externalPort) {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(args);
    Path dir = TestPg.workDir("computectl-log-");
    Path log = dir.resolve("compute_ctl.log");
    Path stdout = dir.resolve("compute_ctl.out");
    ProcessBuilder pb =
        new ProcessBuilder(wrapped(wrapper, RunAs.command(TestPg.user(), cmd)))
            .redirectError(log.toFile())
            .redirectOutput(stdout.toFile());
    pb.environment().putAll(env);
    try {
      return new ComputeCtlProcess(pb.start(), log, stdout, externalPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> wrapped(List<String> wrapper, List<String> cmd) {
    List<String> out = new ArrayList<>(wrapper);
    out.addAll(cmd);
    return out;
  }

  public Process process() {
    return process;
  }

  /** What compute_ctl logged (its stderr) so far. */
  public String log() {
    return read(log);
  }

  /** What compute_ctl printed on stdout so far. */
  public String stdout() {
    return read(stdout);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
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
      Thread.sleep(STATUS_POLL_MILLIS);
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
