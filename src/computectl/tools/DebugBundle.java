package computectl.tools;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.WriterConfig;
import computectl.util.BuildInfo;
import computectl.util.IoErrors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Collects what a debug bundle holds, redacted: each file's text by name, plus a manifest saying
 * where each came from and what is missing and why. Every part is optional; a compute that is half
 * broken is exactly when a bundle is wanted.
 */
final class DebugBundle {
  /** Where to look, resolved from the command line and the running compute. */
  record Sources(
      Path pgdata,
      Optional<RunningCompute> compute,
      String httpBase,
      String bearerToken,
      Path specFile,
      Path logFile,
      int logLines) {}

  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  static final Duration THREAD_DUMP_TIMEOUT = Duration.ofSeconds(10);

  private final Sources src;
  private final Map<String, String> files = new LinkedHashMap<>();
  private final List<String> manifest = new ArrayList<>();
  private Redactor redactor = Redactor.forSpec(null);

  private DebugBundle(Sources src) {
    this.src = src;
  }

  /** Collects everything; the result maps file names (in bundle order) to redacted text. */
  static Map<String, String> collect(Sources src) {
    DebugBundle b = new DebugBundle(src);
    b.spec();
    b.process();
    b.http("status.json", "/status");
    b.http("metrics.json", "/metrics.json");
    b.http("metrics.txt", "/metrics");
    b.pgdataFile("postgresql.conf");
    b.logs();
    b.threads();
    return b.finish();
  }

  private void spec() {
    String json = null;
    String from = null;
    Optional<RunningCompute> c = src.compute();
    try {
      if (src.specFile() != null) {
        from = src.specFile().toString();
        json = Files.readString(src.specFile(), StandardCharsets.UTF_8);
      } else if (c.isPresent() && c.get().flag("spec", 's').isPresent()) {
        from = "compute_ctl's --spec argument";
        json = c.get().flag("spec", 's').get();
      } else if (c.isPresent() && c.get().flag("spec-path", 'S').isPresent()) {
        from = c.get().flag("spec-path", 'S').get() + " (compute_ctl's --spec-path)";
        json =
            Files.readString(
                c.get().procPath(c.get().flag("spec-path", 'S').get()), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      note("spec.json", "missing: could not read " + from + ": " + IoErrors.describe(e));
      return;
    }
    if (json == null) {
      note(
          "spec.json",
          "missing: the compute got its spec from the control plane or /configure, and the HTTP API"
              + " does not give it out; pass --spec-path to include a copy");
      return;
    }
    try {
      JsonValue tree = Json.parse(json);
      redactor = Redactor.forSpec(tree);
      put(
          "spec.json",
          redactor.spec(tree).toString(WriterConfig.PRETTY_PRINT) + "\n",
          "from "
              + from
              + "; the spec as given at start (a later /configure is not reflected); secrets"
              + " replaced by "
              + Redactor.MARK);
    } catch (RuntimeException e) {
      note("spec.json", "missing: " + from + " is not valid JSON (" + e.getMessage() + ")");
    }
  }

  private void process() {
    StringBuilder sb = new StringBuilder();
    sb.append("bundle written by compute_ctl ")
        .append(BuildInfo.buildTag())
        .append(" at ")
        .append(Instant.now())
        .append('\n');
    sb.append("pgdata: ").append(src.pgdata()).append('\n');
    if (src.compute().isEmpty()) {
      sb.append("compute_ctl process: not found (not running, or started by another user)\n");
    } else {
      RunningCompute c = src.compute().get();
      sb.append("compute_ctl pid: ").append(c.pid()).append('\n').append("arguments:");
      for (int i = 0; i < c.args().size(); i++) {
        boolean inlineSpec =
            i > 0 && (c.args().get(i - 1).equals("-s") || c.args().get(i - 1).equals("--spec"));
        sb.append(' ').append(inlineSpec ? "<inline spec, see spec.json>" : c.args().get(i));
      }
      sb.append('\n');
    }
    put("process.txt", sb.toString(), "compute_ctl's pid and command line");
  }

  private void http(String name, String path) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(src.httpBase() + path)).timeout(HTTP_TIMEOUT).GET();
    if (src.bearerToken() != null) {
      req.header("Authorization", "Bearer " + src.bearerToken());
    }
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(HTTP_TIMEOUT)
              .build()
              .send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        note(
            name,
            "missing: GET "
                + path
                + " answered "
                + r.statusCode()
                + (r.statusCode() == 401
                    ? " (set COMPUTE_CTL_DEBUG_TOKEN to a JWT for this compute)"
                    : ""));
        return;
      }
      put(
          name,
          r.body().endsWith("\n") ? r.body() : r.body() + "\n",
          "GET " + src.httpBase() + path);
    } catch (IOException | RuntimeException e) {
      note(name, "missing: GET " + src.httpBase() + path + " failed: " + IoErrors.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolException("interrupted");
    }
  }

  private void pgdataFile(String name) {
    Path p = src.pgdata().resolve(name);
    try {
      put(name, Files.readString(p, StandardCharsets.UTF_8), "copy of " + p);
    } catch (IOException | RuntimeException e) {
      note(name, "missing: could not read " + p + ": " + IoErrors.describe(e));
    }
  }

  /**
   * Postgres logs to compute_ctl's stderr (forwarded as "PG:" lines), so that is the first place to
   * look: a file given with --log-file, else compute_ctl's stderr when it is a file. A logging
   * collector's newest file in PGDATA/log is taken as well.
   */
  private void logs() {
    Optional<Path> stderr =
        src.logFile() != null
            ? Optional.of(src.logFile())
            : src.compute().flatMap(RunningCompute::stderrFile);
    if (stderr.isEmpty()) {
      note(
          "postgres.log",
          "missing: compute_ctl's stderr is not a file (journal, pipe or terminal); save it"
              + " (journalctl -u compute_ctl, docker logs) and pass it with --log-file");
    } else {
      tail("compute_ctl.log", stderr.get(), line -> true, "compute_ctl's stderr");
      tail(
          "postgres.log",
          stderr.get(),
          DebugBundle::isPostgresLine,
          "the Postgres lines (PG:) of compute_ctl's stderr");
    }
    newestFile(src.pgdata().resolve("log"))
        .ifPresent(
            f -> tail("postgres-collector.log", f, line -> true, "Postgres's logging collector"));
  }

  static boolean isPostgresLine(String line) {
    if (line.startsWith("PG:")) {
      return true;
    }
    // --log-format json wraps forwarded lines into objects of their own.
    return line.startsWith("{") && line.contains("\"message\":\"PG:");
  }

  private void tail(String name, Path file, Predicate<String> keep, String what) {
    try {
      List<String> lines = LogTail.lastLines(file, src.logLines(), keep);
      String text = String.join("\n", lines).replace("\u200b", "\n    ");
      put(
          name,
          lines.isEmpty() ? "" : text + "\n",
          "last " + lines.size() + " lines of " + what + " (" + file + ")");
    } catch (IOException e) {
      note(name, "missing: could not read " + file + ": " + IoErrors.describe(e));
    }
  }

  private static Optional<Path> newestFile(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    Path newest = null;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      for (Path p : s) {
        if (newest == null
            || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(newest)) > 0) {
          newest = p;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(newest);
  }

  private void threads() {
    if (src.compute().isEmpty()) {
      note("threads.txt", "missing: no running compute_ctl found");
      return;
    }
    try {
      put(
          "threads.txt",
          ThreadDump.of(src.compute().get().pid(), THREAD_DUMP_TIMEOUT),
          "thread dump of pid " + src.compute().get().pid() + " through the JVM's attach socket");
    } catch (ToolException e) {
      note("threads.txt", "missing: " + e.getMessage());
    }
  }

  private void put(String name, String text, String source) {
    files.put(name, redactor.text(text));
    manifest.add(String.format("%-24s %s", name, source));
  }

  private void note(String name, String why) {
    manifest.add(String.format("%-24s %s", name, why));
  }

  /**
   * The manifest first; then the last line of defence: a known secret left anywhere fails the
   * bundle.
   */
  private Map<String, String> finish() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(
        "MANIFEST.txt",
        "compute_ctl debug bundle: what is here and where it came from.\n"
            + "Passwords, password hashes, tokens and connection-string passwords are replaced by "
            + Redactor.MARK
            + ".\n\n"
            + String.join("\n", manifest)
            + "\n");
    out.putAll(files);
    for (Map.Entry<String, String> e : out.entrySet()) {
      if (!redactor.leaks(e.getValue()).isEmpty()) {
        throw new ToolException(
            "refusing to write the bundle: "
                + e.getKey()
                + " still holds a secret after redaction");
      }
    }
    return out;
  }
}
