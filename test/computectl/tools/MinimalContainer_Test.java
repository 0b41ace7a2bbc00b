package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import computectl.testsupport.Fixtures;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The runtime image as the minimal container would run it: a root file system holding only the
 * image, the shared libraries ldd finds for it, /bin/sh for the launcher, pg_config and the four
 * device nodes every container runtime provides; run in a new mount and pid namespace under chroot
 * as the unprivileged Postgres user, with an empty environment. No JDK is visible.
 */
@Tag("e2e")
class MinimalContainer_Test {
  private static final String IMAGE_DIR = "/opt/compute_ctl";
  private static final String PG_BIN = "/usr/lib/postgresql/15/bin";
  private static ContainerRoot root;

  @BeforeAll
  static void setUp() throws IOException {
    Assumptions.assumeTrue(
        ContainerRoot.isRoot(),
        "skipped: building a chroot needs root, and these tests do not run as root");
    root =
        ContainerRoot.build(
            Path.of(System.getProperty("computectl.image", "build/image")),
            IMAGE_DIR,
            List.of("/bin/sh", PG_BIN + "/pg_config"));
    String why = root.probe();
    Assumptions.assumeTrue(
        why == null, "skipped: chroot in a new mount and pid namespace is impossible here: " + why);
    System.out.println(root.report());
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (root != null) {
      root.delete();
    }
  }

  @Test
  void container_holdsOnlyTheImageAndTheLibrariesItNeeds() throws IOException {
    List<String> outside =
        root.filesOutside(IMAGE_DIR).stream()
            .filter(f -> !f.startsWith("/tmp/") && !f.startsWith("/var/db/postgres/"))
            .toList();
    for (String f : outside) {
      boolean allowed =
          f.matches("/(usr/)?lib(64|/x86_64-linux-gnu|/aarch64-linux-gnu)?/[^/]+\\.so[.0-9]*")
              || f.equals("/bin/sh")
              || f.equals(PG_BIN + "/pg_config")
              || f.startsWith("/dev/");
      assertTrue(allowed, "unexpected file in the container: " + f + "\n" + outside);
    }
    try (Stream<Path> all = Files.walk(root.dir())) {
      List<String> javas =
          all.map(p -> "/" + root.dir().relativize(p))
              .filter(p -> p.matches(".*/(java|javac|jcmd|jar|jshell)$"))
              .toList();
      assertEquals(List.of(IMAGE_DIR + "/bin/java"), javas, "the image's own java is the only one");
    }
    assertTrue(root.imageBytes() < 100L << 20, "image size " + root.imageBytes());
  }

  @Test
  void container_printsVersionAndHelp() throws Exception {
    ContainerRoot.Result version =
        root.run(List.of(IMAGE_DIR + "/bin/compute_ctl", "--version"), Duration.ofSeconds(60));
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().matches("compute_ctl \\S+\\n"), version.output());
    ContainerRoot.Result help =
        root.run(List.of(IMAGE_DIR + "/bin/compute_ctl", "--help"), Duration.ofSeconds(60));
    assertEquals(0, help.exit(), help.output());
    assertTrue(
        help.output().contains("Usage: compute_ctl [OPTIONS] --pgdata <DATADIR>"), help.output());
    assertTrue(
        help.output().contains("--log-format <FORMAT>") && help.output().contains("check-spec"),
        help.output());
  }

  @Test
  void container_checksASpecOffline() throws Exception {
    Files.copy(
        Fixtures.path("specs/upstream-compute-api-cluster_spec.json"),
        root.dir().resolve("tmp/spec.json"));
    ContainerRoot.Result r =
        root.run(
            List.of(IMAGE_DIR + "/bin/compute_ctl", "check-spec", "-S", "/tmp/spec.json"),
            Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("/tmp/spec.json: OK, 0 errors"), r.output());
  }

  /**
   * A pooled compute: the control plane has no spec yet, so compute_ctl waits in Empty and serves
   * /status.
   */
  @Test
  void container_pooledComputeAnswersStatusFromInside() throws Exception {
    HttpServer controlPlane = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    controlPlane.createContext(
        "/compute/api/v2/computes/",
        ex -> {
          byte[] body =
              "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    controlPlane.start();
    int port = TestPg.freePort();
    Process p =
        root.start(
            List.of(
                IMAGE_DIR + "/bin/compute_ctl",
                "--control-plane-uri",
                "http://127.0.0.1:" + controlPlane.getAddress().getPort(),
                "--compute-id",
                "compute-chroot",
                "--pgdata",
                "/var/db/postgres/compute",
                "--connstr",
                "postgresql://cloud_admin@127.0.0.1:55433/postgres",
                "--pgbin",
                PG_BIN + "/postgres",
                "--external-http-port",
                Integer.toString(port),
                "--internal-http-port",
                Integer.toString(TestPg.freePort())));
    try {
      String status = awaitStatus(port, p);
      assertTrue(
          status.contains("\"status\":\"empty\"") && status.contains("\"tenant\":null"), status);
    } finally {
      // unshare ignores SIGTERM while it waits; compute_ctl, pid 1 of the new namespace, gets it
      // directly.
      p.toHandle().descendants().forEach(ProcessHandle::destroy);
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      controlPlane.stop(0);
      assertTrue(exited, "compute_ctl stopped on SIGTERM");
    }
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("control plane reports the compute as empty"), log);
    assertTrue(log.contains("received SIGTERM termination signal"), log);
  }

  private static String awaitStatus(int port, Process p) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    String output =
        p.isAlive()
            ? ""
            : ", exit "
                + p.exitValue()
                + ", output:\n"
                + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    throw new AssertionError("no /status from the container: " + last + output);
  }
}
