package computectl.tools;

import computectl.tar.TarWriter;
import computectl.util.ExitCode;
import computectl.util.IoErrors;
import computectl.util.Setting;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code compute_ctl debug-bundle} (our addition): writes a tar with what is needed to look at a
 * compute offline: the redacted spec, /status, the metrics, postgresql.conf, the last log lines and
 * a thread dump. Run it on the compute's host as the compute's user (or root). It is not an HTTP
 * route on purpose: the internal port has no authorization.
 */
final class DebugBundleCommand {
  static final List<ToolOptions.Option> OPTIONS =
      List.of(
          new ToolOptions.Option(
              "pgdata",
              'D',
              "DATADIR",
              "The compute's data directory, as given to compute_ctl (required)"),
          new ToolOptions.Option(
              "output",
              'o',
              "FILE",
              "Where to write the tar [default: compute_ctl-debug-<UTC time>.tar]"),
          new ToolOptions.Option(
              "log-lines", 'n', "N", "How many last log lines to include [default: 1000]"),
          new ToolOptions.Option(
              "log-file",
              '\0',
              "FILE",
              "compute_ctl's saved stderr, when it is not a file already (journalctl -u compute_ctl"
                  + " > FILE)"),
          new ToolOptions.Option(
              "spec-path",
              'S',
              "PATH",
              "Spec file to include [default: the one on compute_ctl's command line]"),
          new ToolOptions.Option(
              "pid",
              '\0',
              "PID",
              "compute_ctl's pid [default: the postmaster's parent, or found by --pgdata]"),
          new ToolOptions.Option(
              "external-http-port",
              '\0',
              "PORT",
              "compute_ctl's external HTTP port [default: from its command line, else 3080]"));
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private DebugBundleCommand() {}

  static String help() {
    return ToolOptions.help(
        "compute_ctl debug-bundle --pgdata <DATADIR> [--output <FILE>]",
        "Write a tar with a live compute's redacted spec, /status, metrics, postgresql.conf, last"
            + " log lines and a\n"
            + "thread dump (through the JVM's attach socket). No password, hash or token goes into"
            + " it. A JWT for\n"
            + "computes with authorization can be given in "
            + Setting.DEBUG_TOKEN.variable()
            + ".",
        OPTIONS);
  }

  static ExitCode run(List<String> args, Map<String, String> env, PrintStream out) {
    ToolOptions o = ToolOptions.parse(OPTIONS, args);
    if (o.has("help")) {
      out.print(help());
      return ExitCode.OK;
    }
    Path pgdata = Path.of(o.require("pgdata"));
    Long pid = o.has("pid") ? (long) o.integer("pid", 0, 1, Integer.MAX_VALUE) : null;
    Optional<RunningCompute> compute = RunningCompute.find(pgdata, pid);
    int port =
        o.integer(
            "external-http-port",
            compute
                .flatMap(c -> c.flag("external-http-port", '\0'))
                .map(DebugBundleCommand::portOrDefault)
                .orElse(3080),
            1,
            65535);
    String token = Setting.DEBUG_TOKEN.value(env);
    DebugBundle.Sources src =
        new DebugBundle.Sources(
            pgdata,
            compute,
            "http://127.0.0.1:" + port,
            token == null || token.isBlank() ? null : token.trim(),
            o.has("spec-path") ? Path.of(o.get("spec-path")) : null,
            o.has("log-file") ? Path.of(o.get("log-file")) : null,
            o.integer("log-lines", 1000, 0, 1_000_000));
    Instant now = Instant.now();
    Path output =
        Path.of(
            o.has("output") ? o.get("output") : "compute_ctl-debug-" + STAMP.format(now) + ".tar");
    Map<String, String> files = DebugBundle.collect(src);
    write(output, "compute_ctl-debug-" + STAMP.format(now), files, now);
    out.println("wrote " + output + " (" + files.size() + " files; see MANIFEST.txt inside)");
    return ExitCode.OK;
  }

  private static int portOrDefault(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 3080;
    }
  }

  /**
   * Written beside the target and renamed, readable by its owner only: it describes the compute in
   * detail.
   */
  private static void write(Path output, String dir, Map<String, String> files, Instant now) {
    Path abs = output.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    long mtime = now.getEpochSecond();
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream os = Files.newOutputStream(tmp);
          TarWriter tar = new TarWriter(os)) {
        tar.writeDirectory(dir + "/", 0755, mtime);
        for (Map.Entry<String, String> f : files.entrySet()) {
          tar.writeFile(
              dir + "/" + f.getKey(), 0644, mtime, f.getValue().getBytes(StandardCharsets.UTF_8));
        }
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write failure is what gets reported
      }
      throw new ToolException("could not write " + output + ": " + IoErrors.describe(e), e);
    }
  }
}
