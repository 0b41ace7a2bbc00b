package computectl.tools;

import computectl.util.CommandLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running compute_ctl found through /proc: its pid and the arguments it was started with (after
 * the main class). Paths it was given are read through {@code /proc/<pid>/root} and {@code
 * /proc/<pid>/cwd}, so they resolve as the compute sees them even inside a container.
 */
record RunningCompute(long pid, List<String> args) {
  static final String MAIN_CLASS = "computectl.cli.Main";
  private static final Path PROC = Path.of("/proc");

  RunningCompute {
    args = List.copyOf(args);
  }

  /**
   * The given pid; else the parent of the postmaster in {@code pgdata}; else a compute_ctl whose
   * {@code --pgdata} is {@code pgdata}. Empty when none runs.
   *
   * @throws ToolException when {@code pid} is given but is not a compute_ctl
   */
  static Optional<RunningCompute> find(Path pgdata, Long pid) {
    if (pid != null) {
      return Optional.of(
          of(pid)
              .orElseThrow(
                  () -> new ToolException("process " + pid + " is not a running compute_ctl")));
    }
    Optional<RunningCompute> viaPostmaster =
        postmasterPid(pgdata).flatMap(RunningCompute::parentOf).flatMap(RunningCompute::of);
    if (viaPostmaster.isPresent()) {
      return viaPostmaster;
    }
    return scan(pgdata);
  }

  /** The compute_ctl with this pid, if it is one (and not one of the offline tools). */
  static Optional<RunningCompute> of(long pid) {
    List<String> cmdline = cmdline(pid);
    int main = cmdline.indexOf(MAIN_CLASS);
    if (main < 0 || pid == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    List<String> args = cmdline.subList(main + 1, cmdline.size());
    if (!args.isEmpty() && Tools.isSubcommand(args.get(0))) {
      return Optional.empty();
    }
    return Optional.of(new RunningCompute(pid, args));
  }

  private static Optional<Long> postmasterPid(Path pgdata) {
    try {
      List<String> lines =
          Files.readAllLines(pgdata.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> parentOf(long pid) {
    return status(pid, "PPid:").map(v -> Long.parseLong(v.trim()));
  }

  private static Optional<RunningCompute> scan(Path pgdata) {
    Path wanted = pgdata.toAbsolutePath().normalize();
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path p : procs) {
        Optional<RunningCompute> c = of(Long.parseLong(p.getFileName().toString()));
        if (c.isPresent()
            && c.get()
                .flag("pgdata", 'D')
                .map(
                    d ->
                        c.get().cwdPath(d).equals(wanted)
                            || Path.of(d).toAbsolutePath().normalize().equals(wanted))
                .orElse(false)) {
          return c;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** A {@code /proc/<pid>/status} field ({@code PPid:}, {@code NSpid:}, {@code SigCgt:}). */
  static Optional<String> status(long pid, String field) {
    try {
      for (String line :
          Files.readAllLines(
              PROC.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.UTF_8)) {
        if (line.startsWith(field)) {
          return Optional.of(line.substring(field.length()).trim());
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static List<String> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      List<String> out = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The value of one of its flags ({@link CommandLine#valueIn}). */
  Optional<String> flag(String longName, char shortName) {
    return CommandLine.valueIn(args, longName, shortName);
  }

  /** A path the process was given, as it sees it (relative to its cwd, absolute under its root). */
  Path procPath(String path) {
    Path dir = PROC.resolve(Long.toString(pid));
    return Path.of(path).isAbsolute()
        ? dir.resolve("root").resolve(path.substring(1))
        : dir.resolve("cwd").resolve(path);
  }

  private Path cwdPath(String path) {
    try {
      Path cwd = PROC.resolve(Long.toString(pid)).resolve("cwd").toRealPath();
      return cwd.resolve(path).toAbsolutePath().normalize();
    } catch (IOException e) {
      return Path.of(path).toAbsolutePath().normalize();
    }
  }

  /** Its stderr when that is a regular file (a log file); empty for a pipe, socket or terminal. */
  Optional<Path> stderrFile() {
    Path fd = PROC.resolve(Long.toString(pid)).resolve("fd").resolve("2");
    return Files.isRegularFile(fd) && Files.isReadable(fd) ? Optional.of(fd) : Optional.empty();
  }

  boolean alive() {
    return Files.exists(PROC.resolve(Long.toString(pid)), LinkOption.NOFOLLOW_LINKS);
  }
}
