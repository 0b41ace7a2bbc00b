package computectl.warmup;

import computectl.metrics.StartupMetrics;
import computectl.pageserver.Basebackup;
import computectl.postgres.ConfigWriter;
import computectl.postgres.JdbcConnector;
import computectl.reconcile.CatalogSnapshot;
import computectl.reconcile.PlanParams;
import computectl.reconcile.Planner;
import computectl.safekeeper.SafekeeperStatusCheck;
import computectl.spec.ComputeMode;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import computectl.util.Setting;
import computectl.util.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs the start's own code while a pooled compute waits in Empty, so that the start after {@code
 * /configure} finds it loaded, linked and compiled instead of running it interpreted for the first
 * time: a spec parsed, validated and planned, a postgresql.conf written, the fast safekeeper check
 * and a generated archive fetched over the wire protocol from an in-process peer ({@link
 * WarmupPeer}), the archive gunzipped and untarred, and a JDBC connection and query against the
 * same peer. A few rounds, so the JIT compiles the loops.
 *
 * <p>It touches neither PGDATA nor any other process: everything goes into a scratch directory of
 * its own ({@link #defaultScratchParent}), removed when it ends, and its only peer is in this
 * process. Its log lines are muted (they would read like a real start). {@link #cancel()} stops it
 * without waiting, so a {@code /configure} never waits for it; the thread is low priority and owned
 * by whoever started it, which {@link #close()}s it.
 */
public final class StartPathWarmup implements AutoCloseable {
  /** Rounds of the whole path; the JIT compiles what runs in all of them. */
  public static final int DEFAULT_ROUNDS = 3;

  private static final String TOKEN = "warmup-token";
  private static final Lsn LSN = Lsn.parse("0/2000100");

  private final int rounds;

  /** Where the rounds' scratch directories go; null: the SQL part only ({@link #startSqlOnly}). */
  private final Path scratchParent;

  private final Thread thread;
  private volatile boolean cancelled;
  private volatile WarmupPeer peer;
  private final AtomicInteger roundsDone = new AtomicInteger();

  private StartPathWarmup(int rounds, Path scratchParent) {
    this.rounds = rounds;
    this.scratchParent = scratchParent;
    this.thread = NamedThreads.daemon("start-path-warmup", this::run);
    thread.setPriority(Thread.MIN_PRIORITY);
  }

  /**
   * Where the scratch directory goes: {@link Setting#WARMUP_DIR} when set, else the shared-memory
   * file system when there is one we can write, else the system temporary directory. Its hundreds
   * of files are created and deleted seconds before a {@code /configure} may arrive, and on an ext4
   * without a journal every file created within 30 s of a deletion on the same disk costs more (the
   * inode allocator re-examines each recently freed inode): the warm-up must not slow down the
   * basebackup it prepares for.
   */
  public static Path defaultScratchParent(Map<String, String> env) {
    String chosen = Setting.WARMUP_DIR.value(env).trim();
    if (!chosen.isEmpty()) {
      return Path.of(chosen);
    }
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * One round of the spec and SQL part alone (no archive, no files), for a start that had no wait
   * in Empty (a spec file): its caller starts it with Postgres, whose start leaves a core idle, and
   * closes it when its own start is over.
   */
  public static StartPathWarmup startSqlOnly() {
    StartPathWarmup w = new StartPathWarmup(1, null);
    w.thread.start();
    return w;
  }

  /** Starts warming up on its own thread, in a scratch directory under {@code scratchParent}. */
  public static StartPathWarmup start(int rounds, Path scratchParent) {
    StartPathWarmup w = new StartPathWarmup(rounds, scratchParent);
    w.thread.start();
    return w;
  }

  /** Rounds completed so far. */
  public int roundsDone() {
    return roundsDone.get();
  }

  /**
   * Stops as soon as possible without waiting: the step in progress loses its peer and fails, and
   * no further step starts.
   */
  public void cancel() {
    cancelled = true;
    WarmupPeer p = peer;
    if (p != null) {
      p.drop();
    }
  }

  /** Cancels, then waits for the thread, which removes its scratch directory, to end. */
  @Override
  public void close() {
    cancel();
    NamedThreads.joinUninterruptibly(thread);
  }

  private void run() {
    long t0 = System.nanoTime();
    Path scratch = null;
    String outcome = "done";
    boolean sqlOnly = scratchParent == null;
    // What cancels it: leaving Empty (a request), or for the SQL part alone, the start's end.
    String stopped = sqlOnly ? "stopped: the start is over" : "stopped by a request";
    try {
      if (!sqlOnly) {
        scratch = Files.createTempDirectory(scratchParent, "compute_ctl-warmup-");
      }
      byte[] archive = sqlOnly ? new byte[0] : WarmupArchive.gzipped();
      try (WarmupPeer p = WarmupPeer.start(archive)) {
        peer = p;
        if (cancelled) {
          p.drop(); // cancel() may have come before the peer existed
        }
        Log.muteThisThread(true);
        for (int i = 0; i < rounds && !cancelled; i++) {
          if (sqlOnly) {
            spec(p.port());
            sql(p.port());
          } else {
            round(p.port(), scratch.resolve("round-" + i));
          }
          roundsDone.incrementAndGet();
        }
      }
      outcome = cancelled ? stopped : "done";
    } catch (IOException | SQLException | RuntimeException e) {
      // The thread's boundary: a warm-up that fails costs nothing but its benefit.
      outcome = cancelled ? stopped : "failed (" + e + ")";
    } finally {
      Log.muteThisThread(false);
      if (scratch != null) {
        deleteTree(scratch);
      }
    }
    Log.info(
        "start path warm-up "
            + (sqlOnly ? "(spec and SQL) " : "")
            + outcome
            + " after "
            + roundsDone.get()
            + " of "
            + rounds
            + " rounds in "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms");
  }

  /** One pass over the start's code: spec, configuration, basebackup, SQL. */
  private void round(int port, Path dir) throws IOException, SQLException {
    Path datadir = Files.createDirectories(dir.resolve("data"));
    ParsedSpec spec = spec(port);
    ConfigWriter.write(datadir, spec.spec(), ConfigWriter.Options.forThisHost(port, false));
    checkCancelled();
    // The fast safekeeper check, against the peer: it answers TIMELINE_STATUS with a row that is
    // not a timeline's, so the check ends as "run the full sync", as with no safekeeper at all.
    new SafekeeperStatusCheck().check(spec, new StartupMetrics());
    checkCancelled();
    new Basebackup(Duration.ofSeconds(5), Duration.ofSeconds(5), 0)
        .fetch(spec, LSN, ComputeMode.PRIMARY, datadir, new StartupMetrics(), Sleeper.REAL);
    sql(port);
    deleteTree(dir);
  }

  /**
   * The spec parsed and validated, and its roles and databases planned against an empty catalog:
   * what the start runs between reading the catalog and its first statement.
   */
  private static ParsedSpec spec(int port) {
    ParsedSpec spec = SpecValidator.validate(SpecParser.parseSpec(WarmupSpec.json(port, TOKEN)));
    Planner.plan(
            spec.spec(),
            new CatalogSnapshot(Map.of(), Map.of()),
            new PlanParams(15, "postgres", false))
        .statements();
    return spec;
  }

  /** A JDBC connection and query to the peer. */
  private void sql(int port) throws SQLException {
    checkCancelled();
    JdbcConnector jdbc =
        new JdbcConnector("127.0.0.1", port, "cloud_admin", TOKEN, "postgres", Map.of());
    try (Connection c = jdbc.connect("postgres", "compute_ctl:warmup");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1")) {
      while (rs.next()) {
        rs.getString(1);
      }
    }
  }

  private void checkCancelled() {
    if (cancelled) {
      throw new ComputeCtlException("warm-up cancelled");
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      Log.warn("could not remove the warm-up's scratch directory " + root + ": " + e.getMessage());
    }
  }
}
