package computectl.pageserver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.StartupMetrics;
import computectl.metrics.StartupMetrics.Field;
import computectl.spec.ComputeMode;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.standin.BasebackupTar;
import computectl.standin.PageserverStandIn;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInConnection;
import computectl.standin.StandInFault;
import computectl.standin.StandInFixture;
import computectl.tar.TarWriter;
import computectl.testsupport.TestPg;
import computectl.util.ComputeCtlException;
import computectl.util.Sleeper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class Basebackup_Test {
  private static final String TOKEN = "storage-token-123";
  private static final List<Duration> ALL_BACKOFFS =
      List.of(500L, 750L, 1125L, 1687L, 2531L, 3796L, 5695L, 8542L, 12814L, 19221L).stream()
          .map(Duration::ofMillis)
          .toList();

  private BasebackupTar backup;
  private PageserverStandIn server;
  private final List<Duration> slept = new ArrayList<>();
  private final Sleeper recording = slept::add;
  private final StartupMetrics metrics = new StartupMetrics();

  @BeforeEach
  void start() throws IOException {
    backup = StandInFixture.neonLikeBackup();
    // A reserved port: the refusal tests close the listener, and a port from the kernel could be
    // handed to another listener before it is bound again.
    server =
        PageserverStandIn.start(TestPg.freePort(), backup)
            .auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A primary's storage coordinates: the tenant, timeline and pageserver only, no safekeepers. */
  private static SpecBuilder storage(String pageserverConnstr) {
    return SpecBuilder.spec()
        .tenant(SpecBuilder.TENANT)
        .timeline(SpecBuilder.TIMELINE)
        .pageserver(pageserverConnstr);
  }

  private ParsedSpec spec(ComputeMode mode) {
    return storage(server.connstr() + ",postgresql://no_user@127.0.0.1:1")
        .mode(mode)
        .storageToken(TOKEN)
        .parseAsGiven();
  }

  private static Path pgdata() throws IOException {
    Path dir = TestPg.workDir("bb-pgdata-").resolve("pgdata");
    Files.createDirectory(dir);
    Files.writeString(
        dir.resolve("postgresql.conf"), "# written by compute_ctl before the basebackup\n");
    return dir;
  }

  @Test
  void fetch_unpacksNeonShapedBackupIntoPgdata() throws IOException {
    Path pgdata = pgdata();
    BasebackupResult r =
        new Basebackup()
            .fetch(
                spec(ComputeMode.PRIMARY),
                server.lsn(),
                ComputeMode.PRIMARY,
                pgdata,
                metrics,
                recording);
    assertTrue(Files.isRegularFile(pgdata.resolve("PG_VERSION")));
    assertTrue(Files.isRegularFile(pgdata.resolve("global/pg_control")));
    assertTrue(Files.isRegularFile(pgdata.resolve(backup.markerRelPath())));
    assertEquals(
        "# written by compute_ctl before the basebackup\n",
        Files.readString(pgdata.resolve("postgresql.conf")));
    assertEquals(1, r.attempts());
    assertTrue(r.entries() > 100 && r.unpackedBytes() > 1_000_000, r.toString());
    assertEquals(r.compressedBytes(), metrics.get(Field.BASEBACKUP_BYTES));
    assertTrue(r.compressedBytes() > 0 && r.compressedBytes() < backup.tar().length);
    assertTrue(metrics.get(Field.PAGESERVER_CONNECT_MICROS) > 0);
    assertTrue(
        metrics.get(Field.BASEBACKUP_MS) * 1000
            >= metrics.get(Field.PAGESERVER_CONNECT_MICROS) - 1000);
    assertTrue(slept.isEmpty());

    StandInConnection c = server.connections().get(0);
    assertEquals(
        List.of(
            "basebackup "
                + SpecBuilder.TENANT
                + " "
                + SpecBuilder.TIMELINE
                + " "
                + server.lsn()
                + " --gzip"),
        c.queries());
    assertEquals(TOKEN, c.password());
    assertEquals("no_user", c.startupParams().get("user"));
    assertEquals("compute_ctl", c.startupParams().get("application_name"));
    assertEquals("-c neon.compute_mode=primary", c.startupParams().get("options"));
  }

  @Test
  void fetch_nonPrimaryModesAskForReplica() throws IOException {
    Lsn lsn = server.lsn();
    new Basebackup()
        .fetch(
            spec(ComputeMode.staticAt(lsn)),
            lsn,
            ComputeMode.staticAt(lsn),
            pgdata(),
            metrics,
            recording);
    new Basebackup()
        .fetch(
            spec(ComputeMode.REPLICA), Lsn.ZERO, ComputeMode.REPLICA, pgdata(), metrics, recording);
    String prefix = "basebackup " + SpecBuilder.TENANT + " " + SpecBuilder.TIMELINE;
    assertEquals(
        List.of(prefix + " " + lsn + " --gzip --replica", prefix + " --gzip --replica"),
        server.queries());
    assertEquals(
        "-c neon.compute_mode=static", server.connections().get(0).startupParams().get("options"));
    assertEquals(
        "-c neon.compute_mode=replica", server.connections().get(1).startupParams().get("options"));
  }

  @Test
  void fetch_withoutTokenSendsNoPassword() throws IOException {
    server.auth(PageserverStandIn.Auth.TRUST, null);
    ParsedSpec noToken = storage(server.connstr()).parseAsGiven();
    new Basebackup()
        .fetch(noToken, server.lsn(), ComputeMode.PRIMARY, pgdata(), metrics, recording);
    assertEquals(null, server.connections().get(0).password());
  }

  @Test
  void query_textAndBackoffMatchUpstream() {
    Lsn lsn = Lsn.parse("0/169AD58");
    assertEquals(
        "basebackup t l 0/169AD58 --gzip", Basebackup.query("t", "l", lsn, ComputeMode.PRIMARY));
    assertEquals(
        "basebackup t l 0/169AD58 --gzip --replica",
        Basebackup.query("t", "l", lsn, ComputeMode.staticAt(lsn)));
    assertEquals(
        "basebackup t l --gzip --replica",
        Basebackup.query("t", "l", Lsn.ZERO, ComputeMode.REPLICA));
    // --replica follows the mode, not the LSN: a Primary at LSN 0 (a timeline the safekeepers
    // have not written to) asks for a primary's basebackup.
    assertEquals(
        "basebackup t l --gzip", Basebackup.query("t", "l", Lsn.ZERO, ComputeMode.PRIMARY));
    List<Duration> backoffs = new ArrayList<>();
    for (int k = 1; k <= 10; k++) {
      backoffs.add(Basebackup.backoff(k));
    }
    assertEquals(ALL_BACKOFFS, backoffs);
    assertEquals(
        "Failed to get basebackup: boom (attempt 0/10)",
        Basebackup.retryMessage(new ComputeCtlException("boom"), 0, 10));
    assertEquals("postgresql://a", Basebackup.firstShard("postgresql://a,postgresql://b"));
  }

  @Test
  void fetch_retriesThenSucceedsWhenThePageserverComesBack() throws IOException {
    server.failFirst(3, StandInFault.errorAfter(200_000));
    Path pgdata = pgdata();
    BasebackupResult r =
        new Basebackup()
            .fetch(
                spec(ComputeMode.PRIMARY),
                server.lsn(),
                ComputeMode.PRIMARY,
                pgdata,
                metrics,
                recording);
    assertEquals(4, r.attempts());
    assertEquals(ALL_BACKOFFS.subList(0, 3), slept);
    assertEquals(4, server.connectionCount());
    assertEquals(
        r.compressedBytes(),
        metrics.get(Field.BASEBACKUP_BYTES),
        "only the good attempt is recorded");
    assertTrue(Files.isRegularFile(pgdata.resolve(backup.markerRelPath())));
  }

  @Test
  void fetch_retriesWhileRefusedThenSucceeds() throws IOException {
    server.refuseConnections(true);
    Sleeper reopenAfterTwo =
        d -> {
          slept.add(d);
          if (slept.size() == 2) {
            try {
              server.refuseConnections(false);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    BasebackupResult r =
        new Basebackup()
            .fetch(
                spec(ComputeMode.PRIMARY),
                server.lsn(),
                ComputeMode.PRIMARY,
                pgdata(),
                metrics,
                reopenAfterTwo);
    assertEquals(3, r.attempts());
    assertEquals(ALL_BACKOFFS.subList(0, 2), slept);
  }

  @Test
  void fetch_failsAfterElevenAttemptsWithoutShowingThePassword() throws IOException {
    server.fault(StandInFault.errorAtQuery());
    String connstr = "postgresql://no_user:hunter2@127.0.0.1:" + server.port();
    ParsedSpec s = storage(connstr).parseAsGiven();
    server.auth(PageserverStandIn.Auth.CLEARTEXT, "hunter2");
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () ->
                new Basebackup()
                    .fetch(s, server.lsn(), ComputeMode.PRIMARY, pgdata(), metrics, recording));
    assertEquals(
        "failed to get basebackup@"
            + server.lsn()
            + " from pageserver postgresql://no_user@127.0.0.1:"
            + server.port()
            + ": ERROR: "
            + StandInFault.ERROR_TEXT
            + " (SQLSTATE XX000)",
        e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
    assertEquals(ALL_BACKOFFS, slept);
    assertEquals(11, server.connectionCount());
    assertEquals(
        "hunter2",
        server.connections().get(0).password(),
        "the string's password is used without a token");
    assertEquals(0, metrics.get(Field.BASEBACKUP_BYTES));
    assertEquals(0, metrics.get(Field.BASEBACKUP_MS));
    assertEquals(0, metrics.get(Field.PAGESERVER_CONNECT_MICROS));
  }

  private String failOnce(StandInFault fault, Basebackup b) {
    server.fault(fault);
    return assertThrows(
            ComputeCtlException.class,
            () ->
                b.fetch(
                    spec(ComputeMode.PRIMARY),
                    server.lsn(),
                    ComputeMode.PRIMARY,
                    pgdata(),
                    metrics,
                    recording))
        .getMessage();
  }

  @Test
  void fetch_errorAfterTheArchiveIsNotIgnored() {
    String msg =
        failOnce(
            StandInFault.errorAfter(Long.MAX_VALUE),
            new Basebackup(Duration.ofSeconds(5), Duration.ofSeconds(30), 0));
    assertTrue(msg.endsWith(": ERROR: " + StandInFault.ERROR_TEXT + " (SQLSTATE XX000)"), msg);
  }

  @Test
  void fetch_midStreamFaultsGiveTheWireCause() {
    Basebackup once = new Basebackup(Duration.ofSeconds(5), Duration.ofMillis(500), 0);
    String where = "127.0.0.1:" + server.port();
    assertTrue(
        failOnce(StandInFault.closeAfter(70_000), once)
            .endsWith(": connection to " + where + " closed unexpectedly"));
    assertTrue(
        failOnce(StandInFault.stallAfter(70_000), once)
            .endsWith(": timed out reading from " + where));
    assertTrue(
        failOnce(StandInFault.garbageAfter(70_000), once)
            .endsWith(
                ": unexpected message of unknown type 0x00 from "
                    + where
                    + " (garbage on the connection?)"));
    assertTrue(failOnce(StandInFault.errorAfter(0), once).endsWith("(SQLSTATE XX000)"));
  }

  @Test
  void fetch_refusesHostileArchive() throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(tar)) {
      w.writeFile("PG_VERSION", 0600, 0, "15\n".getBytes(UTF_8));
      w.writeFile("../escaped", 0600, 0, "x".getBytes(UTF_8));
    }
    server.serveTar(tar.toByteArray());
    Path pgdata = pgdata();
    String msg = failOnce(null, new Basebackup(Duration.ofSeconds(5), Duration.ofSeconds(5), 0));
    assertTrue(msg.contains("../escaped"), msg);
    assertFalse(Files.exists(pgdata.resolveSibling("escaped")));
  }
}
