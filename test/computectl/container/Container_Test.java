package computectl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.BasebackupTar;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.Demo;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.StandInBasebackup;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The container image as built by the Dockerfile ({@code make container-test}; skipped in {@code
 * make test}): what is in it, and compute_ctl run in it as its {@code postgres} user against the
 * stand-ins on the host (pageserver and control plane in this JVM, the sync-safekeepers shim laid
 * out in the container over the image's own PostgreSQL by the dev kit's {@code PgInstallMain}).
 */
@Tag("e2e")
class Container_Test {
  private static final String LAUNCHER = "/opt/compute_ctl/bin/compute_ctl";
  private static final String JAVA = "/opt/compute_ctl/bin/java";
  private static final String PGDATA = "/var/db/postgres/compute/pgdata";
  private static final String REAL_POSTGRES = "/usr/lib/postgresql/15/bin/postgres";
  private static final String DEVKIT = "/opt/devkit";

  /**
   * compute_ctl exits a second after /terminate instead of giving the control plane 30 s (with no
   * grace at all it may exit before its answer to /terminate is sent).
   */
  private static final Map<String, String> QUICK_EXIT =
      Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", "1");

  private static ContainerEngine engine;
  private static BasebackupTar backup;
  private static PageserverStandIn pageserver;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void standIns() throws IOException {
    engine = ContainerEngine.fromEnvironment();
    Assumptions.assumeTrue(engine != null, "skipped: make container-test runs it");
    backup =
        StandInBasebackup.createIn(
            TestPg.install(), TestPg.workDir("computectl-source-"), TestPg.freePort());
    pageserver =
        PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, Demo.TOKEN);
  }

  @AfterAll
  static void stopStandIns() {
    if (pageserver != null) {
      pageserver.close();
    }
  }

  @Test
  void image_holdsNoJdkNoCompilerNoPackageCaches() throws Exception {
    String script =
        String.join(
            "\n",
            "for t in java javac jar jlink jshell gcc cc c++ g++ clang as ld make; do",
            "  command -v $t && echo \"found $t\"",
            "done",
            "ls -d /usr/lib/jvm /usr/lib/gcc 2>/dev/null",
            "find /var/lib/apt/lists /var/cache/apt -type f 2>/dev/null",
            JAVA + " --list-modules | grep -E '^jdk\\.(compiler|jlink|jshell|jdeps)'",
            "echo checked");
    String out = runToEnd("root", List.of("sh", "-c", script));
    assertEquals("checked\n", out, "expected nothing of a JDK, a compiler or an apt cache");
  }

  @Test
  void classDataArchive_isAcceptedWithXshareOn() throws Exception {
    // The launcher itself with -Xshare:on (the JVM refuses to start on an archive it cannot map)
    // and class loading logged, run from a copy that still names the image's paths.
    String script =
        String.join(
            "\n",
            "set -e",
            "test -f /opt/compute_ctl/lib/server/app.jsa",
            "sed -e 's/-Xshare:auto/-Xshare:on/g' -e"
                + " \"s/'-Xlog:cds\\*=off'/-Xlog:class+load=info/\" -e"
                + " 's|^app=|bin=/opt/compute_ctl/bin; app=|' "
                + LAUNCHER
                + " >/tmp/launcher-share-on",
            "sh /tmp/launcher-share-on --version");
    String out = runToEnd(null, List.of("sh", "-c", script));
    assertTrue(out.contains("computectl.cli.Main source: shared objects file (top)"), out);
    assertTrue(out.contains("compute_ctl "), out);
  }

  @Test
  void fullStart_reachesRunningServesStatusMetricsAndPsqlThenTerminates() throws Exception {
    int pgPort = TestPg.freePort();
    int httpPort = TestPg.freePort();
    String computeId = "container-full";
    try (ControlPlaneStandIn cp =
        ControlPlaneStandIn.start()
            .attached(computeId, Demo.spec(pageserver.port(), TestPg.freePort(), pgPort))) {
      // The shim's installation is laid out inside the container, over the image's PostgreSQL.
      String script =
          "pgbin=$("
              + JAVA
              + " -cp '"
              + DEVKIT
              + ":/opt/compute_ctl/lib/app/*' computectl.standin.PgInstallMain /tmp/pg \"$0\")"
              + " && exec "
              + LAUNCHER
              + " --pgbin \"$pgbin\" \"$@\"";
      List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, backup.endLsn().toString()));
      cmd.addAll(computeArgs(computeId, pgPort, httpPort, cp.uri()));
      try (ContainerEngine.Run run =
          engine.start(null, QUICK_EXIT, devkitMount(), cmd, log("full"))) {
        String status = awaitStatus(run, httpPort, "running");
        assertTrue(status.contains("\"status\":\"running\""), status + "\n" + run.log());
        HttpResponse<String> metrics = get(httpPort, "/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("compute_ctl_up"), metrics.body());
        // JIT asked for on every query: the image leaves out the JIT library unless POSTGRES_JIT
        // is on, and Postgres must then simply run without it.
        assertEquals(
            "app|app|1000\n",
            psql(
                pgPort,
                "set jit_above_cost = 0; select current_user, current_database(), count(*)"
                    + " from generate_series(1, 1000)"));
        assertEquals(200, post(httpPort, "/terminate").statusCode(), run.log());
        assertEquals(Integer.valueOf(0), run.awaitExit(120), run.log());
      }
    }
  }

  @Test
  void pooledStart_waitsInEmpty() throws Exception {
    int httpPort = TestPg.freePort();
    String computeId = "container-pooled";
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty(computeId)) {
      List<String> cmd = new ArrayList<>(List.of(LAUNCHER, "--pgbin", REAL_POSTGRES));
      cmd.addAll(computeArgs(computeId, TestPg.freePort(), httpPort, cp.uri()));
      try (ContainerEngine.Run run = engine.start(null, QUICK_EXIT, Map.of(), cmd, log("pooled"))) {
        awaitStatus(run, httpPort, "empty");
        String again = get(httpPort, "/status").body();
        assertTrue(again.contains("\"status\":\"empty\""), again + "\n" + run.log());
        assertEquals(200, post(httpPort, "/terminate").statusCode(), run.log());
        assertEquals(Integer.valueOf(0), run.awaitExit(120), run.log());
      }
    }
  }

  private static List<String> computeArgs(
      String computeId, int pgPort, int httpPort, String controlPlane) {
    return List.of(
        "--pgdata",
        PGDATA,
        "--connstr",
        "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres",
        "--compute-id",
        computeId,
        "--control-plane-uri",
        controlPlane,
        "--external-http-port",
        Integer.toString(httpPort),
        "--internal-http-port",
        Integer.toString(TestPg.freePort()));
  }

  /** The dev kit's classes (for PgInstallMain), mounted read-only. */
  private static Map<Path, String> devkitMount() throws URISyntaxException {
    return Map.of(
        Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI()), DEVKIT);
  }

  private static Path log(String name) {
    return TestPg.workDir("computectl-container-").resolve(name + ".log");
  }

  private static String runToEnd(String user, List<String> cmd) throws Exception {
    try (ContainerEngine.Run run = engine.start(user, Map.of(), Map.of(), cmd, log("run"))) {
      Integer code = run.awaitExit(120);
      assertEquals(Integer.valueOf(0), code, run.log());
      return run.log();
    }
  }

  /** Polls /status until it reports {@code status} (or failed, or the container exits). */
  private String awaitStatus(ContainerEngine.Run run, int port, String status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    String last = "";
    while (System.nanoTime() < deadline && run.process().isAlive()) {
      try {
        last = get(port, "/status").body();
      } catch (IOException notYetListening) {
        last = notYetListening.toString();
      }
      if (last.contains("\"status\":\"" + status + "\"") || last.contains("\"failed\"")) {
        break;
      }
      Thread.sleep(200);
    }
    assertTrue(last.contains("\"status\":\"" + status + "\""), last + "\n" + run.log());
    return last;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** psql on the host, as a client from outside the container. */
  private static String psql(int port, String sql) throws Exception {
    Process p =
        new ProcessBuilder(
                PgInstall.DEFAULT_PG_BIN_DIR.resolve("psql").toString(),
                "-X",
                "-qAt",
                "-c",
                sql,
                "postgresql://app:" + Demo.APP_PASSWORD + "@127.0.0.1:" + port + "/app")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
