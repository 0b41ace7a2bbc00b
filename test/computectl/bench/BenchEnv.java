package computectl.bench;

import computectl.standin.BasebackupTar;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What every figure shares: the runtime image, the private PostgreSQL installation (whose postgres
 * is the sync-safekeepers shim), one real basebackup and the pageserver stand-in serving it, and
 * helpers to run shell baselines as the Postgres user.
 */
final class BenchEnv implements AutoCloseable {
  static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";
  static final String TOKEN = "storage-token-bench";

  final Path image;
  final Path launcher;
  final PgInstall pg;
  final BasebackupTar backup;
  final PageserverStandIn pageserver;
  private final int safekeeperPort = TestPg.freePort();

  BenchEnv(Path image) throws IOException {
    this.image = image;
    this.launcher = ComputeCtlProcess.launcher();
    this.pg = TestPg.install();
    Path source = TestPg.workDir("computectl-bench-src-");
    SCRATCH.add(source);
    this.backup = StandInBasebackup.createIn(pg, source, TestPg.freePort());
    this.pageserver =
        PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN);
    pg.configureShim(backup.endLsn().toString(), 0, 0);
  }

  int pageserverPort() {
    return pageserver.port();
  }

  /**
   * The bench's spec for {@code node}: storage at the stand-ins, Postgres on the node's port, no
   * roles or databases yet.
   */
  SpecBuilder spec(BenchNode node) {
    return SpecBuilder.atStandIns(TENANT, TIMELINE, pageserverPort(), safekeeperPort, TOKEN)
        .operation("op-bench")
        .clusterId("bench-cluster")
        .throwawayPostgres(node.pgPort());
  }

  /**
   * The password of every bench role: a SCRAM verifier, as Neon's control plane sends. compute_ctl
   * compares it with the catalog as is, so a re-apply leaves the role alone (md5 values are
   * re-applied every time, as upstream does). A verifier does not depend on the role name, so all
   * roles share one.
   */
  static final String VERIFIER =
      Passwords.scram("bench-password", "bench-salt-0001".getBytes(StandardCharsets.UTF_8));

  /** Nothing listens there: the fast safekeeper check fails and compute_ctl runs the shim. */
  int safekeeperPort() {
    return safekeeperPort;
  }

  /** The java of the image the launcher uses (the staged copy when the checkout is unreachable). */
  Path imageJava() {
    return launcher.getParent().resolve("java");
  }

  static String user() {
    return TestPg.user();
  }

  private static final List<Path> SCRATCH = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A file the Postgres user can read, in a directory removed when the bench ends. */
  static Path writeFile(String prefix, String name, String text) throws IOException {
    Path dir = TestPg.workDir(prefix);
    SCRATCH.add(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    RunAs.chownTree(user(), file);
    return file;
  }

  /**
   * Runs {@code script} with bash as the Postgres user; returns its wall time in ms; fails on a
   * non-zero exit.
   */
  static double timeScript(String script, long timeoutSeconds)
      throws IOException, InterruptedException {
    return runScript(script, timeoutSeconds).millis();
  }

  /** A script's wall time and the time between its {@link #step} markers, in ms. */
  record ScriptRun(double millis, java.util.Map<String, Double> steps) {}

  /**
   * A marker line for {@link #runScript}: the time (bash's clock, no fork) at which {@code name}
   * ends.
   */
  static String step(String name) {
    return "echo \"BENCH_STEP " + name + " $EPOCHREALTIME\"\n";
  }

  static ScriptRun runScript(String script, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("computectl-bench-sh-", ".log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(RunAs.command(user(), List.of("bash", "-c", step("begin") + script)))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "baseline script timed out after " + timeoutSeconds + " s:\n" + script);
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      String out = Files.readString(log);
      if (p.exitValue() != 0) {
        throw new IOException(
            "baseline script failed (exit "
                + p.exitValue()
                + "):\n"
                + script
                + "\noutput:\n"
                + out);
      }
      return new ScriptRun(ms, steps(out));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static java.util.Map<String, Double> steps(String out) {
    java.util.Map<String, Double> steps = new java.util.LinkedHashMap<>();
    double last = Double.NaN;
    for (String line : out.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length == 3 && f[0].equals("BENCH_STEP")) {
        double t = Double.parseDouble(f[2].replace(',', '.'));
        if (!Double.isNaN(last)) {
          steps.merge(f[1], (t - last) * 1000, Double::sum);
        }
        last = t;
      }
    }
    return steps;
  }

  /** Runs a command as the Postgres user, returns its output; fails on a non-zero exit. */
  static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(RunAs.command(user(), cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /**
   * Removes a run's directory when the bench ends instead of now. On an ext4 without a journal
   * (this kind of machine) every file created within 30 s (vm.dirty_expire_centisecs) of a mass
   * deletion pays for it: the kernel's inode allocator re-examines each recently freed inode
   * ({@code find_inode_bit}, {@code recently_deleted}). Deleting each run's tree before the next
   * run made every basebackup and CREATE DATABASE, ours and the baseline's, pay for the previous
   * runs' files, a cost a compute on a fresh node never meets, and one that varied with the order
   * of the runs.
   */
  static void deleteAtEnd(Path dir) {
    SCRATCH.add(dir);
  }

  private static Path spreadParent;

  /**
   * A new directory for one run, owned by the Postgres user, in a block group of its own: its
   * parent carries ext4's "top of a directory hierarchy" flag (chattr +T), which makes the kernel
   * spread the directories made in it over the disk. What one run deletes (compute_ctl removes its
   * prewarm cluster once the start is over) then slows that run's later files only, not the next
   * run's (see {@link #deleteAtEnd}). Where the flag is refused, the directories share a group.
   */
  static synchronized Path runDir(String prefix) throws IOException {
    if (spreadParent == null) {
      spreadParent = Files.createTempDirectory("computectl-bench-runs-");
      Files.setPosixFilePermissions(
          spreadParent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      SCRATCH.add(spreadParent);
      String refused = topOfHierarchy(spreadParent);
      if (refused != null) {
        System.err.println("bench: runs share a block group (chattr +T: " + refused + ")");
      }
    }
    Path dir = Files.createTempDirectory(spreadParent, prefix);
    RunAs.chownTree(user(), dir);
    return dir;
  }

  /** Sets ext4's "top of a directory hierarchy" flag on {@code dir}; null, or why it failed. */
  private static String topOfHierarchy(Path dir) throws IOException {
    try {
      Process p =
          new ProcessBuilder("chattr", "+T", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : out.trim();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running chattr", e);
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    pageserver.close();
    SCRATCH.forEach(BenchEnv::deleteTree);
  }
}
