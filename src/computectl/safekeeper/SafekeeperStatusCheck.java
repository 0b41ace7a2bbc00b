package computectl.safekeeper;

import computectl.metrics.StartupMetrics;
import computectl.pgwire.ConnInfo;
import computectl.pgwire.QueryResult;
import computectl.pgwire.WireClient;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The fast safekeeper check of a Primary start (behaviour.md 5.5.1): ask every safekeeper for
 * TIMELINE_STATUS at once, each within 100 ms; with a quorum of answers that all know the timeline
 * and agree on one LSN with commit = flush, that LSN is where the timeline ends and the full {@code
 * --sync-safekeepers} run can be skipped. Anything else means "run the full sync"; this check never
 * fails the start.
 */
public final class SafekeeperStatusCheck {
  public static final Duration PER_SAFEKEEPER_TIMEOUT = Duration.ofMillis(100);

  /** One safekeeper's answer: the timeline's flush and commit LSNs, or not found; or an error. */
  record Answer(String safekeeper, boolean found, Lsn flush, Lsn commit, String error) {
    boolean ok() {
      return error == null;
    }
  }

  private final Duration timeout;

  public SafekeeperStatusCheck() {
    this(PER_SAFEKEEPER_TIMEOUT);
  }

  /** A different per-safekeeper limit (tests on slow machines). */
  public SafekeeperStatusCheck(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * The LSN the safekeepers agree on, or empty when the full sync must run. Records
   * SYNC_SK_CHECK_MS.
   */
  public Optional<Lsn> check(ParsedSpec spec, StartupMetrics metrics) {
    long start = System.nanoTime();
    try {
      String token = spec.spec() == null ? null : spec.spec().storageAuthToken();
      List<Answer> answers =
          collect(spec.safekeeperConnstrings(), spec.tenantId(), spec.timelineId(), token, start);
      int quorum = spec.safekeeperConnstrings().size() / 2 + 1;
      // Loops, not streams: this runs once per start, in a fresh JVM, where each stream and
      // lambda is linked at first use.
      List<Answer> ok = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      for (Answer a : answers) {
        if (a.ok()) {
          ok.add(a);
        } else {
          errors.add(a.safekeeper() + ": " + a.error());
        }
      }
      if (ok.size() < quorum) {
        Log.info(
            "failed sync safekeepers check: "
                + ok.size()
                + " of "
                + spec.safekeeperConnstrings().size()
                + " safekeepers answered, "
                + quorum
                + " needed"
                + (errors.isEmpty() ? "" : " (" + String.join("; ", errors) + ")"));
        return Optional.empty();
      }
      return synced(ok);
    } finally {
      metrics.set(StartupMetrics.Field.SYNC_SK_CHECK_MS, (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Synced only if every answer knows the timeline, all agree, and commit equals flush. */
  static Optional<Lsn> synced(List<Answer> answers) {
    if (answers.isEmpty() || answers.stream().anyMatch(a -> !a.found())) {
      Log.info("safekeepers check: timeline not found on every safekeeper; running the full sync");
      return Optional.empty();
    }
    Lsn flush = answers.get(0).flush();
    Lsn commit = answers.get(0).commit();
    boolean agree =
        answers.stream().allMatch(a -> a.flush().equals(flush) && a.commit().equals(commit));
    if (!agree || !commit.equals(flush)) {
      Log.info("safekeepers check: safekeepers are not in sync; running the full sync");
      return Optional.empty();
    }
    return Optional.of(flush);
  }

  /**
   * Queries all safekeepers concurrently; returns once a quorum of successes or of failures has
   * arrived, or all answered, or the time is up (the missing ones count as timed out).
   */
  private List<Answer> collect(
      List<String> safekeepers, String tenant, String timeline, String token, long start) {
    int n = safekeepers.size();
    int quorum = n / 2 + 1;
    long deadline = start + timeout.toNanos();
    String options = "-c timeline_id=" + timeline + " tenant_id=" + tenant;
    if (n == 1) {
      // One safekeeper is its own quorum: asked on this thread, within the same deadline.
      return List.of(ask(safekeepers.get(0), options, token, deadline));
    }
    BlockingQueue<Answer> queue = new LinkedBlockingQueue<>();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String sk = safekeepers.get(i);
      Thread t =
          NamedThreads.daemon(
              "safekeeper-status-" + i, () -> queue.add(ask(sk, options, token, deadline)));
      workers.add(t);
      t.start();
    }
    List<Answer> answers = new ArrayList<>();
    int ok = 0;
    int failed = 0;
    try {
      while (ok < quorum && failed < quorum && answers.size() < n) {
        // A little slack past the deadline: a worker's own timeout fires first and says why.
        long wait = deadline - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        Answer a = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
        if (a == null) {
          break;
        }
        answers.add(a);
        if (a.ok()) {
          ok++;
        } else {
          failed++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Stragglers end on their own read deadline; interrupting marks them as abandoned.
      workers.forEach(Thread::interrupt);
    }
    return answers;
  }

  private static Answer ask(String safekeeper, String options, String token, long deadline) {
    try {
      Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
      ConnInfo info = ConnInfo.parse("postgresql://no_user@" + safekeeper);
      try (WireClient c = WireClient.connect(info, token, Map.of("options", options), left, left)) {
        c.setDeadlineNanos(deadline);
        List<QueryResult> results = c.simpleQuery("TIMELINE_STATUS");
        if (results.isEmpty() || results.get(0).rows().isEmpty()) {
          return new Answer(safekeeper, false, null, null, null);
        }
        QueryResult r = results.get(0);
        return new Answer(
            safekeeper,
            true,
            Lsn.parse(r.get(0, "flush_lsn")),
            Lsn.parse(r.get(0, "commit_lsn")),
            null);
      }
    } catch (RuntimeException e) {
      return new Answer(safekeeper, false, null, null, ComputeCtlException.chain(e));
    }
  }
}
