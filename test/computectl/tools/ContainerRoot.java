package computectl.tools;

import computectl.testsupport.TestPg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A root file system for chroot made of the runtime image plus exactly the shared libraries that
 * ldd reports for its binaries and for a few extra programs, run with unshare in a new mount and
 * pid namespace (its own /proc, which the dynamic loader needs for {@code $ORIGIN}).
 */
final class ContainerRoot {
  /** How a run ended: exit code and stdout and stderr together. */
  record Result(int exit, String output) {}

  private final Path dir;
  private final String imageDir;
  private final String userSpec;

  private ContainerRoot(Path dir, String imageDir, String userSpec) {
    this.dir = dir;
    this.imageDir = imageDir;
    this.userSpec = userSpec;
  }

  static boolean isRoot() {
    try {
      return exec(List.of("id", "-u"), Duration.ofSeconds(10)).output().trim().equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Lays out the root: the image at {@code imageDir}, the extra programs at their own paths, their
   * libraries.
   */
  static ContainerRoot build(Path image, String imageDir, List<String> programs)
      throws IOException {
    Path dir = Files.createTempDirectory("computectl-container-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path target = dir.resolve(imageDir.substring(1));
    Files.createDirectories(target.getParent());
    run(List.of("cp", "-a", image.toAbsolutePath().toString(), target.toString()));
    List<Path> elves = new ArrayList<>();
    elves.add(target.resolve("bin/java"));
    elves.add(target.resolve("lib/jspawnhelper"));
    elves.addAll(sharedObjects(target.resolve("lib")));
    elves.addAll(sharedObjects(target.resolve("lib/server")));
    for (String program : programs) {
      Path to = dir.resolve(program.substring(1));
      Files.createDirectories(to.getParent());
      Files.copy(Path.of(program).toRealPath(), to, StandardCopyOption.COPY_ATTRIBUTES);
      elves.add(Path.of(program));
    }
    for (String lib : libraries(elves, target)) {
      Path to = dir.resolve(lib.substring(1));
      Files.createDirectories(to.getParent());
      if (!Files.exists(to)) {
        Files.copy(Path.of(lib).toRealPath(), to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    for (String d : List.of("tmp", "proc", "dev", "var/db/postgres")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    run(List.of("chmod", "+t", dir.resolve("tmp").toString()));
    String user = TestPg.user();
    String spec = null;
    if (user != null) {
      spec =
          exec(List.of("id", "-u", user), Duration.ofSeconds(10)).output().trim()
              + ":"
              + exec(List.of("id", "-g", user), Duration.ofSeconds(10)).output().trim();
      run(List.of("chown", spec, dir.resolve("var/db/postgres").toString()));
    }
    return new ContainerRoot(dir, imageDir, spec);
  }

  private static List<Path> sharedObjects(Path lib) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(lib, "*.so")) {
      s.forEach(out::add);
    }
    return out;
  }

  /**
   * Every library ldd resolves for these binaries, outside the image (libjvm.so is loaded by path).
   */
  private static Set<String> libraries(List<Path> binaries, Path image) throws IOException {
    Set<String> libs = new TreeSet<>();
    for (Path b : binaries) {
      for (String line :
          exec(List.of("ldd", b.toString()), Duration.ofSeconds(30)).output().split("\n")) {
        String t = line.trim();
        String path =
            t.contains("=> /") ? t.substring(t.indexOf("=> ") + 3) : t.startsWith("/") ? t : null;
        if (path == null) {
          continue;
        }
        path = path.replaceAll(" \\(0x[0-9a-f]+\\)$", "");
        if (!path.startsWith(image.toString()) && !path.contains("/../lib/")) {
          libs.add(path);
        }
      }
    }
    return libs;
  }

  /**
   * The device nodes every container runtime provides; the JVM's random source needs them. Null
   * when all is well, else why namespaces or chroot cannot be used here.
   */
  String probe() throws IOException {
    for (String[] dev :
        new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
      Result r =
          exec(
              List.of(
                  "mknod", "-m", "666", dir.resolve("dev/" + dev[0]).toString(), "c", "1", dev[1]),
              Duration.ofSeconds(10));
      if (r.exit() != 0) {
        return "mknod: " + r.output().trim();
      }
    }
    Result r = exec(command(List.of("/bin/sh", "-c", "exit 0")), Duration.ofSeconds(30), false);
    return r.exit() == 0 ? null : "unshare/chroot exit " + r.exit() + ": " + r.output().trim();
  }

  private List<String> command(List<String> inside) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child=SIGTERM",
                "--mount-proc=" + dir.resolve("proc"),
                chrootProgram()));
    if (userSpec != null) {
      cmd.add("--userspec=" + userSpec);
    }
    cmd.add(dir.toString());
    cmd.addAll(inside);
    return cmd;
  }

  /**
   * By absolute path: unshare runs it with the container's (empty) environment, so without PATH.
   */
  private static String chrootProgram() {
    for (String p : List.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot", "/bin/chroot")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return "chroot";
  }

  /** Runs {@code inside} in the container with an empty environment; waits for it. */
  Result run(List<String> inside, Duration timeout) throws IOException {
    return exec(command(inside), timeout, false);
  }

  /** Starts {@code inside} in the container with an empty environment; stdout and stderr merged. */
  Process start(List<String> inside) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(inside)).redirectErrorStream(true);
    pb.environment().clear();
    return pb.start();
  }

  Path dir() {
    return dir;
  }

  /** Files (not directories) outside {@code prefix}, as paths inside the container. */
  List<String> filesOutside(String prefix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> "/" + dir.relativize(p))
          .filter(p -> !p.startsWith(prefix + "/"))
          .sorted()
          .toList();
    }
  }

  long imageBytes() throws IOException {
    return bytes(dir.resolve(imageDir.substring(1)));
  }

  private static long bytes(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** Sizes of the image's parts and of the whole root, for the test log and README. */
  String report() throws IOException {
    Path image = dir.resolve(imageDir.substring(1));
    StringBuilder sb =
        new StringBuilder(
            "container root " + dir + ": " + mb(bytes(dir)) + " in all, image " + mb(imageBytes()));
    for (String part :
        List.of(
            "lib/server/libjvm.so",
            "lib/modules",
            "lib/server/classes.jsa",
            "lib/server/app.jsa",
            "lib/app")) {
      Path p = image.resolve(part);
      if (Files.exists(p)) {
        sb.append(", ").append(part).append(' ').append(mb(bytes(p)));
      }
    }
    sb.append("\nfiles outside the image: ").append(filesOutside(imageDir));
    return sb.toString();
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  void delete() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void run(List<String> cmd) throws IOException {
    Result r = exec(cmd, Duration.ofMinutes(2));
    if (r.exit() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + r.output());
    }
  }

  private static Result exec(List<String> cmd, Duration timeout) throws IOException {
    return exec(cmd, timeout, true);
  }

  /**
   * The program is looked up in our PATH; the child gets {@code PATH} only when asked (host tools).
   */
  private static Result exec(List<String> cmd, Duration timeout, boolean withPath)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    if (withPath) {
      pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    }
    Process p = pb.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in " + timeout);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
