package computectl.safekeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.StartupMetrics;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.standin.PageserverStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInConnection;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three stand-in safekeepers answering TIMELINE_STATUS. */
class SafekeeperStatusCheck_Test {
  /** Longer than any test: a query delayed this long is never answered (until close). */
  private static final long NEVER_MILLIS = 600_000;

  /** Far more than the check should take even on a loaded machine, far less than NEVER_MILLIS. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static final Lsn A = Lsn.parse("0/2000000");
  private static final Lsn B = Lsn.parse("0/2000100");
  private static final Lsn C = Lsn.parse("0/2000200");
  private static final String TOKEN = "sk-token";

  /**
   * Generous for loaded test machines (only answering safekeepers are given it; a test never waits
   * for it to expire); the default 100 ms is checked with slow safekeepers below.
   */
  private static final SafekeeperStatusCheck PATIENT =
      new SafekeeperStatusCheck(Duration.ofSeconds(30));

  private final List<PageserverStandIn> safekeepers = new ArrayList<>();
  private final StartupMetrics metrics = new StartupMetrics();

  @BeforeEach
  void start() throws IOException {
    // Reserved ports: the refusal tests close a listener, and a port from the kernel could be
    // handed to another listener meanwhile (see Ports).
    for (int i = 0; i < 3; i++) {
      safekeepers.add(
          PageserverStandIn.start(TestPg.freePort())
              .auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN)
              .timelineStatus(A, A));
    }
  }

  @AfterEach
  void stop() {
    safekeepers.forEach(PageserverStandIn::close);
  }

  private ParsedSpec spec() {
    List<String> addresses = safekeepers.stream().map(s -> "127.0.0.1:" + s.port()).toList();
    return SpecBuilder.spec()
        .tenant(SpecBuilder.TENANT)
        .timeline(SpecBuilder.TIMELINE)
        .pageserver("postgresql://no_user@127.0.0.1:1")
        .safekeepers(addresses.toArray(String[]::new))
        .storageToken(TOKEN)
        .parseAsGiven();
  }

  @Test
  void check_agreeingSafekeepersGiveTheLsn() {
    assertEquals(Optional.of(A), PATIENT.check(spec(), metrics));
    // The check returns on a quorum of two: the third safekeeper's session may be unfinished.
    StandInConnection seen =
        safekeepers.stream()
            .flatMap(s -> s.connections().stream())
            .filter(c -> !c.queries().isEmpty())
            .findFirst()
            .orElseThrow();
    assertEquals("no_user", seen.startupParams().get("user"));
    assertEquals(
        "-c timeline_id=" + SpecBuilder.TIMELINE + " tenant_id=" + SpecBuilder.TENANT,
        seen.startupParams().get("options"));
    assertEquals(TOKEN, seen.password());
    assertEquals(List.of("TIMELINE_STATUS"), seen.queries());
  }

  @Test
  void check_disagreeingSafekeepersMeanFullSync() {
    safekeepers.get(1).timelineStatus(B, B);
    safekeepers.get(2).timelineStatus(C, C);
    assertEquals(Optional.empty(), PATIENT.check(spec(), metrics));
  }

  @Test
  void check_commitBehindFlushMeansFullSync() {
    safekeepers.forEach(s -> s.timelineStatus(B, A));
    assertEquals(Optional.empty(), PATIENT.check(spec(), metrics));
  }

  @Test
  void check_unknownTimelineMeansFullSync() {
    safekeepers.forEach(PageserverStandIn::timelineNotFound);
    assertEquals(Optional.empty(), PATIENT.check(spec(), metrics));
  }

  @Test
  void check_oneDownStillHasQuorum() throws IOException {
    safekeepers.get(0).refuseConnections(true);
    assertEquals(Optional.of(A), PATIENT.check(spec(), metrics));
  }

  @Test
  void check_twoDownIsNoQuorum() throws IOException {
    safekeepers.get(0).refuseConnections(true);
    safekeepers.get(2).auth(PageserverStandIn.Auth.CLEARTEXT, "another token");
    assertEquals(Optional.empty(), PATIENT.check(spec(), metrics));
  }

  /**
   * Safekeepers that never answer (until the stand-ins close) are given up on: the check returns at
   * all, and records at least its 100 ms timeout.
   */
  @Test
  void check_slowSafekeepersTimeOutAfter100ms() {
    assertEquals(Duration.ofMillis(100), SafekeeperStatusCheck.PER_SAFEKEEPER_TIMEOUT);
    safekeepers.forEach(s -> s.queryDelay(NEVER_MILLIS));
    assertEquals(
        Optional.empty(),
        assertTimeoutPreemptively(LIMIT, () -> new SafekeeperStatusCheck().check(spec(), metrics)));
    long recorded = metrics.get(StartupMetrics.Field.SYNC_SK_CHECK_MS);
    // Whole milliseconds, truncated, from another clock than the one the timeout runs on.
    assertTrue(recorded >= 99, recorded + " ms recorded");
  }

  /** A quorum answers while the third safekeeper never does: the check does not wait for it. */
  @Test
  void check_oneSlowSafekeeperIsNotWaitedFor() {
    safekeepers.get(1).queryDelay(NEVER_MILLIS);
    assertEquals(
        Optional.of(A), assertTimeoutPreemptively(LIMIT, () -> PATIENT.check(spec(), metrics)));
  }

  @Test
  void check_noSafekeepersMeansFullSync() {
    ParsedSpec none =
        SpecBuilder.spec()
            .tenant(SpecBuilder.TENANT)
            .timeline(SpecBuilder.TIMELINE)
            .pageserver("postgresql://no_user@127.0.0.1:1")
            .parseAsGiven();
    metrics.set(StartupMetrics.Field.SYNC_SK_CHECK_MS, 12345);
    assertEquals(Optional.empty(), new SafekeeperStatusCheck().check(none, metrics));
    assertTrue(metrics.get(StartupMetrics.Field.SYNC_SK_CHECK_MS) < 12345, "always recorded");
  }

  @Test
  void synced_rules() {
    SafekeeperStatusCheck.Answer a = new SafekeeperStatusCheck.Answer("x", true, A, A, null);
    SafekeeperStatusCheck.Answer b = new SafekeeperStatusCheck.Answer("y", true, B, B, null);
    SafekeeperStatusCheck.Answer missing =
        new SafekeeperStatusCheck.Answer("z", false, null, null, null);
    assertEquals(Optional.of(A), SafekeeperStatusCheck.synced(List.of(a, a)));
    assertEquals(Optional.empty(), SafekeeperStatusCheck.synced(List.of(a, b)));
    assertEquals(Optional.empty(), SafekeeperStatusCheck.synced(List.of(a, missing)));
    assertEquals(Optional.empty(), SafekeeperStatusCheck.synced(List.of()));
  }
}
