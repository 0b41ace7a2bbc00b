package computectl.postgres;

import computectl.util.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * After Postgres exits: report core dumps with a backtrace (behaviour.md 5.10). Core files are
 * named {@code core} or {@code core.<pid>} and land in PGDATA on Linux (the compute images set
 * core_pattern so), in {@code /cores/} on macOS.
 */
public final class CoreDumps {
  /** One reported core file: the debugger's stdout (the backtrace) and stderr. */
  public record Report(Path core, String backtrace, String debuggerStderr) {}

  private final String gdb;
  private final String lldb;

  /** Debugger programs by name or path ({@code gdb}, {@code lldb} in production). */
  public CoreDumps(String gdb, String lldb) {
    this.gdb = gdb;
    this.lldb = lldb;
  }

  public static CoreDumps withSystemDebuggers() {
    return new CoreDumps("gdb", "lldb");
  }

  /** Where core files are looked for on this host. */
  public static Path coreDir(Path pgdata) {
    return ConfigWriter.HostOs.current() == ConfigWriter.HostOs.MACOS ? Path.of("/cores/") : pgdata;
  }

  /** Files named {@code core} or starting with {@code core.} directly in {@code dir}, sorted. */
  public static List<Path> find(Path dir) throws IOException {
    List<Path> cores = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.equals("core") || name.startsWith("core.")) {
          cores.add(p);
        }
      }
    }
    cores.sort(null);
    return cores;
  }

  /** Logs a backtrace for each core dump in {@code dir}; any error is logged, never thrown. */
  public List<Report> report(Path dir, String pgbin) {
    List<Report> reports = new ArrayList<>();
    try {
      Log.info("checking for core dumps in " + dir);
      for (Path core : find(dir)) {
        Log.warn("core dump found: " + core + ", collecting backtrace");
        Report r = backtrace(core, pgbin);
        Log.warn("core dump backtrace: " + r.backtrace());
        Log.warn("debugger stderr: " + r.debuggerStderr());
        reports.add(r);
      }
    } catch (IOException e) {
      Log.error("error while checking for core dumps: " + e);
    } catch (PgException e) {
      Log.error("error while checking for core dumps: " + e.getMessage());
    }
    return reports;
  }

  /** gdb when it can be started, else lldb (handy on macOS). */
  Report backtrace(Path core, String pgbin) throws IOException {
    Report r = run(core, List.of(gdb, "--batch", "-q", "-ex", "bt", pgbin, core.toString()));
    if (r == null) {
      Log.warn("cannot find gdb, trying lldb");
      r = run(core, List.of(lldb, "-c", core.toString(), "--batch", "-o", "bt all", "-o", "quit"));
    }
    if (r == null) {
      throw new PgException("cannot run " + gdb + " or " + lldb + " to get a backtrace of " + core);
    }
    return r;
  }

  /** The debugger's output, or null when the program cannot be started. */
  private static Report run(Path core, List<String> cmd) throws IOException {
    Path err = Files.createTempFile("computectl-debugger-", ".err");
    try {
      Process p;
      try {
        p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      } catch (IOException e) {
        return null;
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return new Report(core, out, Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while running " + cmd.get(0), e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
