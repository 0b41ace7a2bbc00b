package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.pgwire.ConnInfo;
import computectl.pgwire.WireClient;
import computectl.standin.BasebackupTar;
import computectl.standin.PageserverStandIn;
import computectl.standin.StandInBasebackup;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The offline path end to end: a basebackup captured from the pageserver stand-in is replayed with
 * --basebackup-file while no pageserver runs; the compute logs JSON; and a debug bundle of it opens
 * with GNU tar and holds none of the spec's secrets.
 */
@Tag("e2e")
class OfflineCompute_Test {
  private static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  private static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";
  private static final String ALICE_HASH = Passwords.md5("alice", "alice-Pw-1");
  private static final String BOB_VERIFIER =
      Passwords.scram("bob-Pw-2", "offline-salt-123".getBytes(StandardCharsets.UTF_8));
  private static final String TOKEN = "storage-Secret-Token-0042";
  private static final String PAGESERVER_PASSWORD = "ps-Secret-4711";

  private static Path pgdata;
  private static int pgPort;
  private static int httpPort;
  private static Path captured;
  private static int pageserverConnections;
  private static ComputeCtlProcess compute;

  @BeforeAll
  static void setUp() throws Exception {
    captured = capture();
    Path work = TestPg.workDir("computectl-offline-");
    pgdata = work.resolve("pgdata");
    pgPort = TestPg.freePort();
    httpPort = TestPg.freePort();
    Path spec = work.resolve("spec.json");
    Files.writeString(spec, spec(TestPg.freePort()).toString());
    RunAs.chownTree(TestPg.user(), work);
    compute =
        ComputeCtlProcess.start(
            List.of(
                "--pgdata",
                pgdata.toString(),
                "--connstr",
                "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres",
                "--pgbin",
                TestPg.install().postgres().toString(),
                "--compute-id",
                "compute-offline",
                "--spec-path",
                spec.toString(),
                "--external-http-port",
                Integer.toString(httpPort),
                "--internal-http-port",
                Integer.toString(TestPg.freePort()),
                "--basebackup-file",
                captured.toString(),
                "--log-format",
                "json"),
            Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", "1"),
            httpPort);
    compute.awaitStatus(
        s -> s.contains("\"status\":\"running\"") || s.contains("\"status\":\"failed\""),
        Duration.ofSeconds(90));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (compute != null) {
      if (compute.process().isAlive()) {
        compute.post("/terminate", "", Duration.ofSeconds(60));
        compute.awaitExit(Duration.ofSeconds(30));
      }
      compute.close();
    }
  }

  /**
   * The stand-in's answer to the basebackup query, saved as it comes off the wire (gzipped tar);
   * then it stops.
   */
  private static Path capture() throws Exception {
    BasebackupTar backup =
        StandInBasebackup.createIn(
            TestPg.install(), TestPg.workDir("computectl-offline-source-"), TestPg.freePort());
    Path file = TestPg.workDir("computectl-captured-").resolve("basebackup.tar.gz");
    try (PageserverStandIn ps = PageserverStandIn.start(0, backup);
        WireClient c =
            WireClient.connect(
                ConnInfo.parse("host=127.0.0.1 port=" + ps.port() + " user=cloud_admin"),
                null,
                Map.of(),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));
        InputStream copy =
            c.copyOut(
                "basebackup " + TENANT + " " + TIMELINE + " " + backup.endLsn() + " --gzip")) {
      Files.copy(copy, file);
      pageserverConnections = ps.connectionCount();
    }
    RunAs.chownTree(TestPg.user(), file.getParent());
    return file;
  }

  private static JsonObject spec(int closedPort) {
    JsonArray settings = new JsonArray();
    for (String[] s :
        new String[][] {
          {"port", Integer.toString(pgPort), "integer"},
          {"listen_addresses", "127.0.0.1", "string"},
          {"unix_socket_directories", "/tmp", "string"},
          {"fsync", "off", "bool"},
          {"max_connections", "30", "integer"},
          {"log_statement", "all", "string"}
        }) {
      settings.add(new JsonObject().add("name", s[0]).add("value", s[1]).add("vartype", s[2]));
    }
    JsonArray roles =
        new JsonArray()
            .add(new JsonObject().add("name", "alice").add("encrypted_password", ALICE_HASH))
            .add(new JsonObject().add("name", "bob").add("encrypted_password", BOB_VERIFIER));
    return new JsonObject()
        .add("format_version", 1)
        .add("operation_uuid", "op-offline")
        .add("tenant_id", TENANT)
        .add("timeline_id", TIMELINE)
        // Never contacted: the basebackup comes from the file. Its password must not reach the
        // bundle.
        .add(
            "pageserver_connstring",
            "postgresql://no_user:" + PAGESERVER_PASSWORD + "@127.0.0.1:" + closedPort)
        .add("safekeeper_connstrings", new JsonArray().add("127.0.0.1:" + closedPort))
        .add("storage_auth_token", TOKEN)
        .add(
            "cluster",
            new JsonObject()
                .add("cluster_id", "offline")
                .add("roles", roles)
                .add(
                    "databases",
                    new JsonArray()
                        .add(new JsonObject().add("name", "appdb").add("owner", "alice")))
                .add("settings", settings));
  }

  @Test
  void basebackupFile_capturedFromTheStandIn_replaysToRunningWithoutAPageserver() throws Exception {
    String status = compute.get("/status").body();
    assertTrue(status.contains("\"status\":\"running\""), status + "\n" + compute.log());
    assertEquals(1, pageserverConnections, "the pageserver was asked once, for the capture");
    assertTrue(
        compute.log().contains("taking the basebackup from file " + captured), compute.log());
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "cloud_admin", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select note from " + StandInBasebackup.MARKER_TABLE)) {
      assertTrue(rs.next());
      assertEquals(
          StandInBasebackup.MARKER_NOTE, rs.getString(1), "the data is the captured basebackup's");
    }
    String metrics = compute.get("/metrics.json").body();
    assertTrue(metrics.contains("\"basebackup_bytes\":" + Files.size(captured) + ","), metrics);
  }

  @Test
  void logFormatJson_everyLineIsAnObjectWithTimestampLevelThreadMessage() {
    List<String> lines = compute.log().lines().toList();
    assertTrue(lines.size() > 10, compute.log());
    boolean postgresSeen = false;
    for (String line : lines) {
      JsonValue v = Json.parse(line);
      assertEquals(List.of("timestamp", "level", "thread", "message"), v.asObject().names(), line);
      postgresSeen |= v.asObject().getString("message", "").startsWith("PG:");
    }
    assertTrue(postgresSeen, "forwarded Postgres lines are objects too");
    assertFalse(compute.log().contains(TOKEN), "the token never reaches the log");
  }

  @Test
  void debugBundle_opensWithGnuTarAndHoldsNoSecret() throws Exception {
    // The raw sources do hold secrets, so a clean bundle proves the redaction.
    assertTrue(
        compute.log().contains(ALICE_HASH), "log_statement=all logs the password statements");
    assertTrue(Files.readString(pgdata.resolve("postgresql.conf")).contains(PAGESERVER_PASSWORD));
    Path dir = TestPg.workDir("computectl-bundle-");
    Path bundle = dir.resolve("bundle.tar");
    String out =
        runAsPostgres(
            List.of(
                ComputeCtlProcess.launcher().toString(),
                "debug-bundle",
                "--pgdata",
                pgdata.toString(),
                "--output",
                bundle.toString(),
                "--log-lines",
                "500"));
    assertTrue(out.startsWith("wrote " + bundle), out);
    String listing = runAsPostgres(List.of("tar", "-tvf", bundle.toString()));
    Path extracted = Files.createDirectory(dir.resolve("x"));
    RunAs.chownTree(TestPg.user(), extracted);
    runAsPostgres(List.of("tar", "-xf", bundle.toString(), "-C", extracted.toString()));
    Path root;
    try (Stream<Path> s = Files.list(extracted)) {
      root = s.findFirst().orElseThrow();
    }
    for (String name :
        List.of(
            "MANIFEST.txt",
            "spec.json",
            "process.txt",
            "status.json",
            "metrics.json",
            "metrics.txt",
            "postgresql.conf",
            "compute_ctl.log",
            "postgres.log",
            "threads.txt")) {
      assertTrue(
          Files.isRegularFile(root.resolve(name)),
          name + " in\n" + listing + "\n" + read(root, "MANIFEST.txt"));
    }
    assertTrue(read(root, "status.json").contains("\"status\":\"running\""));
    assertTrue(read(root, "metrics.txt").contains("compute_ctl_up{"));
    assertTrue(
        read(root, "spec.json").contains("\"alice\"")
            && read(root, "spec.json").contains("<redacted>"));
    assertTrue(read(root, "postgresql.conf").contains("neon.pageserver_connstring"));
    assertTrue(read(root, "postgres.log").contains("PG:"));
    assertTrue(
        read(root, "threads.txt").contains("Full thread dump")
            && read(root, "threads.txt").contains("\"main\""),
        read(root, "threads.txt"));
    assertNoSecrets(dir, extracted);
  }

  /** GNU grep over the extracted bundle for every form of every secret of the spec. */
  private static void assertNoSecrets(Path dir, Path extracted) throws Exception {
    List<String> secrets =
        new ArrayList<>(
            List.of(ALICE_HASH, "md5" + ALICE_HASH, BOB_VERIFIER, TOKEN, PAGESERVER_PASSWORD));
    for (String part : BOB_VERIFIER.substring("SCRAM-SHA-256$".length()).split("[$:]")) {
      if (part.length() >= 8) {
        secrets.add(part);
      }
    }
    Path patterns = dir.resolve("secrets.txt");
    Files.write(patterns, secrets);
    Process grep =
        new ProcessBuilder(
                "grep", "-r", "-F", "-n", "-f", patterns.toString(), extracted.toString())
            .redirectErrorStream(true)
            .start();
    String found = new String(grep.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(grep.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, grep.exitValue(), "grep found secrets in the bundle:\n" + found);
  }

  private static String read(Path root, String name) throws Exception {
    return Files.readString(root.resolve(name));
  }

  private static String runAsPostgres(List<String> cmd) throws Exception {
    Process p =
        new ProcessBuilder(RunAs.command(TestPg.user(), cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    return out;
  }
}
