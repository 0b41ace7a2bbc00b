package computectl.training;

import computectl.standin.BasebackupTar;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.ReachableImage;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Trains the application class-data archive of a runtime image (build.sh, after the image is
 * linked): runs the image's compute_ctl through a real pooled start with the stand-ins (control
 * plane fetch, prewarm, HTTP, /configure with a spec, sync-safekeepers, basebackup over the wire
 * protocol with gzip and tar, Postgres start, JDBC spec application, /metrics, /terminate) and has
 * its JVM write every class it loaded to an archive at exit. Usage: {@code CdsTraining <image dir>
 * <archive to write>}; exits non-zero when it could not train (e.g. no PostgreSQL 15 installed, or
 * an image the Postgres user cannot read), and the image then simply runs without the archive.
 */
public final class CdsTraining {
  private static final String TOKEN = "cds-training-token";
  private static final String COMPUTE_ID = "cds-training";
  private static final long TIMEOUT_MILLIS = 180_000;

  private CdsTraining() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length != 2) {
      System.err.println("usage: CdsTraining <image dir> <archive to write>");
      System.exit(2);
    }
    Path image = Path.of(argv[0]).toAbsolutePath();
    Path archive = Path.of(argv[1]).toAbsolutePath();
    String user = RunAs.unprivilegedUser();
    if (!ReachableImage.reachable(image, user)) {
      // A copy elsewhere would train an archive for the copy's path, which no JDK 17 applies here.
      System.out.println(
          "not trained: user "
              + user
              + " cannot read "
              + image
              + " (a checkout under a private home directory?), and an archive applies only at"
              + " the path where it was trained");
      System.exit(3);
    }
    Path work = RunAs.ownedTempDir(user, "computectl-cds-");
    try {
      Files.setPosixFilePermissions(
          work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Path trained = train(image, work, user, archive.getFileName().toString());
      Files.copy(trained, archive, StandardCopyOption.REPLACE_EXISTING);
      System.out.println("trained " + archive + " (" + Files.size(archive) + " bytes)");
    } finally {
      deleteTree(work);
    }
  }

  private static Path train(Path image, Path work, String user, String archiveName)
      throws IOException, InterruptedException {
    PgInstall pg = PgInstall.create(work.resolve("pg"), PgInstall.DEFAULT_PG_BIN_DIR);
    RunAs.chownTree(user, work);
    BasebackupTar backup = StandInBasebackup.createIn(pg, work, freePort());
    Path out = work.resolve(archiveName);
    boolean aot = archiveName.endsWith(".aot");
    try (PageserverStandIn pageserver =
            PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN);
        ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty(COMPUTE_ID)) {
      pg.configureShim(backup.endLsn().toString(), 0, 0);
      int pgPort = freePort();
      int httpPort = freePort();
      Path pgdata = work.resolve("compute").resolve("pgdata");
      Files.createDirectories(pgdata.getParent());
      RunAs.chownTree(user, work);
      List<String> cmd =
          List.of(
              image.resolve("bin/compute_ctl").toString(),
              "--pgdata",
              pgdata.toString(),
              "--connstr",
              "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres",
              "--pgbin",
              pg.postgres().toString(),
              "--compute-id",
              COMPUTE_ID,
              "--control-plane-uri",
              cp.uri(),
              "--external-http-port",
              Integer.toString(httpPort),
              "--internal-http-port",
              Integer.toString(freePort()));
      ProcessBuilder pb =
          new ProcessBuilder(RunAs.command(user, cmd))
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("compute_ctl.log").toFile());
      // JDK 17: an application CDS archive written at exit. JDK 25 (an archive named *.aot): an
      // AOT cache, assembled at exit from what this run loaded, linked and profiled.
      pb.environment()
          .put(
              "JAVA_TOOL_OPTIONS",
              (aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + out);
      // A second, not none: with none, compute_ctl may exit before it answers /terminate.
      pb.environment().put("COMPUTE_CTL_EXIT_GRACE_SECONDS", "1");
      Process p = pb.start();
      try {
        exercise(httpPort, spec(pageserver.port(), pgPort));
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IOException("compute_ctl did not exit cleanly after /terminate");
        }
      } catch (IOException | RuntimeException e) {
        System.err.println(Files.readString(work.resolve("compute_ctl.log")));
        throw e;
      } finally {
        p.destroyForcibly();
      }
    }
    if (!Files.isRegularFile(out)) {
      throw new IOException("the JVM wrote no archive at " + out);
    }
    return out;
  }

  /** The calls a compute gets in its life: status polls, /configure, metrics, /terminate. */
  private static void exercise(int port, String spec) throws IOException, InterruptedException {
    awaitStatus(port, "\"status\":\"empty\"");
    call(port, "GET", "/metrics", null);
    String r = call(port, "POST", "/configure", SpecBuilder.configureBody(spec));
    if (!r.contains("\"status\":\"running\"")) {
      throw new IOException("/configure did not reach running: " + r);
    }
    for (String path : List.of("/status", "/metrics", "/metrics.json", "/status", "/metrics")) {
      call(port, "GET", path, null);
    }
    call(port, "POST", "/terminate", "");
  }

  /** The roles carry a SCRAM verifier and an md5 digest, so that both paths are trained. */
  private static String spec(int pageserverPort, int pgPort) {
    return SpecBuilder.atStandIns(
            SpecBuilder.TENANT, SpecBuilder.TIMELINE, pageserverPort, freePort(), TOKEN)
        .operation("cds-training")
        .clusterId("cds-training")
        .role(
            "app",
            "SCRAM-SHA-256$4096:YmVuY2gtc2FsdC0wMDAx$7JjzmTp6wmiQhvTkVLaPQo6pMDM7QPnKf9xvmNjXsRk=:"
                + "BnJqnMPxgoVNNSSw0CTU8VpLG2Ru3o8oNWsJ3Vnx4ZU=")
        .role("reader", "0123456789abcdef0123456789abcdef")
        .database("app", "app")
        .throwawayPostgres(pgPort)
        .json();
  }

  private static void awaitStatus(int port, String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = call(port, "GET", "/status", null);
        if (last.contains(text)) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(50);
    }
    throw new IOException("compute_ctl never reported " + text + "; last: " + last);
  }

  private static String call(int port, String method, String path, String body) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout((int) TIMEOUT_MILLIS);
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (status >= 400) {
        throw new IOException(method + " " + path + " answered " + status + ": " + text);
      }
      return text;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
