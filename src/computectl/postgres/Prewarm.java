package computectl.postgres;

import computectl.util.ChildProcesses;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Prewarm of a pooled compute started without a spec (behaviour.md 5.11): initdb a throw-away
 * cluster beside PGDATA, start Postgres on it until ready, then stop it at once. This warms the
 * page cache with the binaries and makes the VM grow its memory before a real start needs it.
 * Upstream's configuration preloads the neon library; on a Postgres without it (a stock server)
 * that line is left out, since Postgres refuses to start with a preload library it cannot find.
 *
 * <p>Unlike upstream, a successful prewarm leaves the stopped cluster on disk for its caller to
 * remove after the start ({@link Leftover}): on an ext4 without a journal, every file created
 * within 30 s of a deletion on the same disk costs more (the inode allocator re-examines each
 * recently freed inode), and deleting this cluster's thousand files just before a {@code
 * /configure} made that start's basebackup and CREATE DATABASE about twice as slow.
 */
public final class Prewarm {
  public static final String PROCESS_NAME = "postgres-prewarm";

  /** Nobody should connect; 512 MB of shared buffers make the VM touch its memory. */
  public static final String CONF =
      "shared_buffers=65536\nport=51055\nshared_preload_libraries = 'neon'\n";

  /** The name Postgres looks for in its library directory for {@code 'neon'}. */
  private static final String NEON_LIBRARY = "neon.so";

  private static final long INITDB_TIMEOUT_SECONDS = 300;

  private Prewarm() {}

  /** The directory used: {@code <pgdata>.warmup}. */
  public static Path warmupDir(Path pgdata) {
    return pgdata.resolveSibling(pgdata.getFileName() + ".warmup");
  }

  /** The stopped prewarm cluster, still on disk. */
  public record Leftover(Path dir) {
    /** Deletes the directory; a failure is logged (it costs disk space, nothing else). */
    public void remove() {
      PgData.deleteTree(dir);
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Log.warn("could not remove the prewarm directory " + dir);
      }
    }
  }

  /** Runs the prewarm with upstream's configuration, without the neon preload if it is absent. */
  public static Leftover run(PgCommand command, Path pgdata, ChildProcesses children) {
    return run(command, pgdata, children, conf(command), null, PgLogForwarder.stderrSink());
  }

  /**
   * Upstream's configuration, less the neon preload when {@code pg_config --pkglibdir} has no neon
   * library. If pg_config cannot answer, upstream's configuration as it is.
   */
  public static String conf(PgCommand command) {
    Path libdir;
    try {
      libdir = Path.of(PgVersion.pgConfig(command.pgbin(), "--pkglibdir"));
    } catch (PgException e) {
      Log.warn("prewarm: cannot find the Postgres library directory: " + e.getMessage());
      return CONF;
    }
    if (Files.exists(libdir.resolve(NEON_LIBRARY))) {
      return CONF;
    }
    Log.info("prewarm: no " + NEON_LIBRARY + " in " + libdir + ", so it is not preloaded");
    return CONF.lines()
        .filter(line -> !line.startsWith("shared_preload_libraries"))
        .map(line -> line + "\n")
        .collect(Collectors.joining());
  }

  /**
   * Runs the prewarm with {@code conf} as the whole postgresql.conf. {@code dataOwner} (null in
   * production, where compute_ctl already runs as the Postgres user) is given the directory before
   * initdb runs as that user. When Postgres does not get ready, the directory is removed before the
   * exception.
   */
  public static Leftover run(
      PgCommand command,
      Path pgdata,
      ChildProcesses children,
      String conf,
      String dataOwner,
      Consumer<String> logSink) {
    Log.info("prewarming");
    Path dir = warmupDir(pgdata);
    PgData.reset(dir);
    try {
      RunAs.chownTree(dataOwner, dir);
      initdb(command, dir);
      Files.writeString(dir.resolve(ConfigWriter.FILE_NAME), conf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PgException("prewarm: could not prepare " + dir + ": " + e.getMessage(), e);
    }
    PgProcess pg = PgProcess.start(command, dir, null, children, logSink, PROCESS_NAME);
    try {
      pg.waitReady();
    } catch (PgException e) {
      stop(pg);
      PgData.deleteTree(dir);
      throw new PgException("prewarm failed: " + e.getMessage(), e);
    }
    stop(pg);
    Log.info("done prewarming");
    return new Leftover(dir);
  }

  /** SIGQUIT: immediate shutdown, so no orphaned backends outlive the directory we delete. */
  private static void stop(PgProcess pg) {
    if (pg.isAlive()) {
      pg.signal("QUIT");
    }
    pg.waitExit();
  }

  /** As upstream, initdb's outcome is ignored: a broken cluster shows up when Postgres starts. */
  private static void initdb(PgCommand command, Path dir) throws IOException {
    List<String> cmd = command.siblingCommand("initdb", "--pgdata", dir.toString());
    Log.info("running initdb");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(INITDB_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        Log.warn("initdb did not finish within " + INITDB_TIMEOUT_SECONDS + " s");
      } else if (p.exitValue() != 0) {
        Log.warn(
            "initdb exited with code "
                + p.exitValue()
                + ": "
                + new String(output, StandardCharsets.UTF_8).trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgException("interrupted while running initdb", e);
    }
  }
}
