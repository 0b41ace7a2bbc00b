package computectl.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.standin.PageserverStandIn;
import computectl.testsupport.TestPg;
import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class LsnLeaseRenewer_Test {
  private static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  private static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";
  private static final String LSN = "0/169AD58";
  private static final LsnLeaseRenewer.Timing FAST =
      new LsnLeaseRenewer.Timing(
          Duration.ofMillis(20),
          1.5,
          Duration.ofMillis(100),
          Duration.ofSeconds(60),
          Duration.ofMillis(200),
          // Generous: no test here waits for these to expire, and a loaded machine is slow.
          Duration.ofSeconds(30),
          Duration.ofSeconds(30));

  private static ParsedSpec spec(String mode, String connstr, String token) {
    return SpecValidator.validate(
        SpecParser.parseSpec(
            "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]},"
                + "\"tenant_id\":\""
                + TENANT
                + "\",\"timeline_id\":\""
                + TIMELINE
                + "\",\"mode\":"
                + mode
                + ","
                + "\"pageserver_connstring\":\""
                + connstr
                + "\""
                + (token == null ? "" : ",\"storage_auth_token\":\"" + token + "\"")
                + "}"));
  }

  private static ParsedSpec staticSpec(String connstr) {
    return spec("{\"Static\":\"" + LSN + "\"}", connstr, null);
  }

  private static LsnLeaseRenewer renewer(AtomicReference<ParsedSpec> current) {
    return new LsnLeaseRenewer(current::get, TENANT, TIMELINE, Lsn.parse(LSN), FAST);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void forStatic_replica_needsNoRenewer() {
    ParsedSpec replica = spec("\"Replica\"", "postgresql://no_user@127.0.0.1:1", null);

    assertNull(LsnLeaseRenewer.forStatic(replica, () -> replica));
  }

  @Test
  void renew_grantedLease_sendsUpstreamCommandAndSleeps() throws Exception {
    long until = System.currentTimeMillis() + 3_600_000;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous = Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    try (PageserverStandIn ps = PageserverStandIn.start(0).leaseValidUntil(until)) {
      ParsedSpec spec = staticSpec(ps.connstr());
      try (LsnLeaseRenewer r = LsnLeaseRenewer.forStatic(spec, () -> spec)) {
        r.start();
        await("the lease", () -> r.validUntil() == until);
        // Positive evidence of the sleep (an hour's lease less the 60 s margin), not a pause.
        await(
            "the renewer to go to sleep",
            () ->
                log.toString(StandardCharsets.UTF_8)
                    .matches("(?s).*sleeping for 35[34]\\d seconds.*"));

        assertEquals(
            List.of("lease lsn " + TENANT + " " + TIMELINE + " " + LSN + " "), ps.queries());
        assertTrue(r.isRunning());
      }
    } finally {
      Log.setOutput(previous);
    }
  }

  /**
   * A lease shorter than the renewal margin is renewed at half its validity: the second request
   * arrives while the first lease still holds (seen within 10 ms of its arrival, with a margin of
   * seconds), where a renewal at or after expiry would arrive later than {@code validUntil}.
   */
  @Test
  void renew_shortLease_renewsBeforeItExpires() throws Exception {
    long validUntil = System.currentTimeMillis() + 4_000;
    try (PageserverStandIn ps = PageserverStandIn.start(0).leaseValidUntil(validUntil)) {
      AtomicReference<ParsedSpec> current = new AtomicReference<>(staticSpec(ps.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the first lease", () -> r.validUntil() == validUntil);
        await("a renewal", () -> ps.queries().size() >= 2);
        long renewedAt = System.currentTimeMillis();
        ps.leaseValidUntil(renewedAt + 3_600_000);

        assertTrue(
            renewedAt < validUntil,
            "renewed " + (renewedAt - validUntil) + " ms after the lease expired");
      }
    }
  }

  @Test
  void renew_refusedLease_endsTheThread() throws Exception {
    try (PageserverStandIn ps = PageserverStandIn.start(0).refuseLeases()) {
      AtomicReference<ParsedSpec> current = new AtomicReference<>(staticSpec(ps.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the thread to end", () -> !r.isRunning());

        assertTrue(r.refused());
        assertEquals(1, ps.queries().size());
      }
    }
  }

  @Test
  void renew_pageserverDown_retriesUntilItAnswers() throws Exception {
    // A reserved port: nothing else can bind it while the stand-in is not listening.
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous = Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    try (PageserverStandIn ps = PageserverStandIn.start(TestPg.freePort())) {
      ps.refuseConnections(true);
      AtomicReference<ParsedSpec> current = new AtomicReference<>(staticSpec(ps.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await(
            "two refused attempts",
            () -> log.toString(StandardCharsets.UTF_8).contains("(attempt 1)"));
        assertEquals(-1, r.validUntil());
        ps.refuseConnections(false);

        await("the lease after retries", () -> r.validUntil() > 0);
        assertFalse(r.refused());
      }
    } finally {
      Log.setOutput(previous);
    }
  }

  @Test
  void renew_severalPageservers_leasesEveryShardAndKeepsTheEarliest() throws Exception {
    long now = System.currentTimeMillis();
    try (PageserverStandIn a = PageserverStandIn.start(0).leaseValidUntil(now + 7_200_000);
        PageserverStandIn b = PageserverStandIn.start(0).leaseValidUntil(now + 3_600_000)) {
      AtomicReference<ParsedSpec> current =
          new AtomicReference<>(staticSpec(a.connstr() + "," + b.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the lease", () -> r.validUntil() > 0);

        assertEquals(now + 3_600_000, r.validUntil());
        assertEquals(
            List.of("lease lsn " + TENANT + "-0002 " + TIMELINE + " " + LSN + " "), a.queries());
        assertEquals(
            List.of("lease lsn " + TENANT + "-0102 " + TIMELINE + " " + LSN + " "), b.queries());
      }
    }
  }

  @Test
  void renew_oneShardRefuses_refusesTheLease() throws Exception {
    try (PageserverStandIn a = PageserverStandIn.start(0);
        PageserverStandIn b = PageserverStandIn.start(0).refuseLeases()) {
      AtomicReference<ParsedSpec> current =
          new AtomicReference<>(staticSpec(a.connstr() + "," + b.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the thread to end", () -> !r.isRunning());

        assertTrue(r.refused());
      }
    }
  }

  @Test
  void wake_afterConnstrChange_leasesFromTheNewPageserverAtOnce() throws Exception {
    try (PageserverStandIn first = PageserverStandIn.start(0);
        PageserverStandIn second = PageserverStandIn.start(0)) {
      AtomicReference<ParsedSpec> current = new AtomicReference<>(staticSpec(first.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the first lease", () -> r.validUntil() > 0);
        assertEquals(0, second.queries().size());

        current.set(staticSpec(second.connstr()));
        r.specChanged();

        await("a lease from the new pageserver", () -> second.queries().size() == 1);
        assertEquals(1, first.queries().size());
      }
    }
  }

  @Test
  void specChanged_sameConnstr_leavesTheRenewalAsleep() throws Exception {
    try (PageserverStandIn ps = PageserverStandIn.start(0)) {
      AtomicReference<ParsedSpec> current = new AtomicReference<>(staticSpec(ps.connstr()));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();
        await("the first lease", () -> r.validUntil() > 0);

        // A reconfiguration that changes other fields: upstream wakes only on a new connstr.
        current.set(spec("{\"Static\":\"" + LSN + "\"}", ps.connstr(), "new-token"));
        long wakeups = r.wakeups();
        r.specChanged();

        // specChanged decides on the caller's thread: no wake-up now means no early request.
        assertEquals(wakeups, r.wakeups(), "the renewal was woken");
        assertEquals(1, ps.queries().size(), "no second lease request");
      }
    }
  }

  @Test
  void renew_storageToken_isThePassword() throws Exception {
    try (PageserverStandIn ps =
        PageserverStandIn.start(0).auth(PageserverStandIn.Auth.CLEARTEXT, "secret-token")) {
      AtomicReference<ParsedSpec> current =
          new AtomicReference<>(spec("{\"Static\":\"" + LSN + "\"}", ps.connstr(), "secret-token"));
      try (LsnLeaseRenewer r = renewer(current)) {
        r.start();

        await("the lease", () -> r.validUntil() > 0);
      }
    }
  }

  @Test
  void close_stopsTheThreadWhileItWaits() throws Exception {
    try (PageserverStandIn ps = PageserverStandIn.start(0)) {
      LsnLeaseRenewer r = renewer(new AtomicReference<>(staticSpec(ps.connstr())));
      r.start();
      await("the lease", () -> r.validUntil() > 0);

      r.close();

      assertFalse(r.isRunning());
    }
  }

  @Test
  void sleepAfterGrant_followsUpstreamRule() {
    LsnLeaseRenewer r =
        new LsnLeaseRenewer(
            () -> null, TENANT, TIMELINE, Lsn.parse(LSN), LsnLeaseRenewer.Timing.DEFAULT);

    assertEquals(540_000, r.sleepAfterGrant(600_000), "valid - 60 s");
    assertEquals(50_000, r.sleepAfterGrant(100_000), "half of the validity");
    assertEquals(
        1_000,
        r.sleepAfterGrant(-5_000),
        "an expired lease is retried after the minimum, not in a tight loop");
  }

  @Test
  void tenantShardId_formatsNumberAndCountInHex() {
    assertEquals(TENANT, LeaseRequest.tenantShardId(TENANT, 0, 1));
    assertEquals(TENANT + "-0a10", LeaseRequest.tenantShardId(TENANT, 10, 16));
  }
}
