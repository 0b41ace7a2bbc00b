package computectl.standin;

import computectl.pgwire.Md5Password;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code make demo}: the main job on an embedded default. Starts the pageserver stand-in (serving a
 * real basebackup), writes the sample spec ({@link #spec}), and runs compute_ctl from the runtime
 * image against the local PostgreSQL 15 (as the {@code postgres} user when run as root, from a copy
 * of the image when that user cannot read the checkout). Ctrl-C stops compute_ctl (which stops
 * Postgres) and removes everything the demo made.
 */
public final class Demo {
  /** The storage token the demo's pageserver stand-in asks for. */
  public static final String TOKEN = "demo-storage-token";

  /** The password of the demo spec's role {@code app}. */
  public static final String APP_PASSWORD = "app-password";

  private Demo() {}

  /**
   * The sample spec of {@code make demo}, also what the container test starts its image with: a
   * role {@code app} with {@link #APP_PASSWORD} owning database {@code app}, a role whose name
   * needs quoting, Postgres on loopback at {@code pgPort}, the pageserver stand-in with {@link
   * #TOKEN}.
   */
  public static String spec(int pageserverPort, int safekeeperPort, int pgPort) {
    return SpecBuilder.atStandIns(
            SpecBuilder.TENANT, SpecBuilder.TIMELINE, pageserverPort, safekeeperPort, TOKEN)
        .operation("demo-operation")
        .clusterId("demo-cluster")
        .clusterName("compute_ctl demo")
        // A spec carries the bare md5 hex (compute_ctl adds the "md5" prefix pg_authid has).
        .role("app", Md5Password.stored("app", APP_PASSWORD).substring("md5".length()))
        .role("zenith \"new\"", null)
        .database("app", "app")
        .postgresOnLoopback(pgPort)
        .setting("max_connections", "100", "integer")
        .setting("shared_buffers", "16384", "integer")
        .setting("log_connections", "on", "bool")
        .json();
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length != 1) {
      System.err.println("usage: Demo <runtime image directory>");
      System.exit(2);
    }
    Path image = Path.of(argv[0]).toAbsolutePath();
    String user = RunAs.unprivilegedUser();
    Path work = RunAs.ownedTempDir(user, "computectl-demo-");
    Files.setPosixFilePermissions(
        work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    System.out.println(
        "demo: preparing PostgreSQL and the pageserver stand-in in " + work + " ...");
    PgInstall pg = PgInstall.create(work.resolve("pg"), PgInstall.DEFAULT_PG_BIN_DIR);
    RunAs.chownTree(user, work);
    BasebackupTar backup = StandInBasebackup.createIn(pg, work, freePort());
    PageserverStandIn pageserver =
        PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN);
    pg.configureShim(backup.endLsn().toString(), 0, 0);
    int pgPort = portOr(55433);
    int httpPort = portOr(3080);
    int internalPort = portOr(3081);
    Path spec = writeSpec(work, pageserver.port(), pgPort);
    RunAs.chownTree(user, work);
    Path launcher = ReachableImage.launcher(image, user, work.resolve("image"));
    Process cc = startComputeCtl(launcher, user, work, pg, spec, pgPort, httpPort, internalPort);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> cleanUp(cc, pageserver, work), "demo-cleanup"));
    System.out.println();
    System.out.println("demo: compute_ctl is starting (pid " + cc.pid() + ")");
    System.out.println("demo:   status:   curl http://127.0.0.1:" + httpPort + "/status");
    System.out.println("demo:   metrics:  curl http://127.0.0.1:" + httpPort + "/metrics");
    System.out.println(
        "demo:   Postgres: psql postgresql://app:"
            + APP_PASSWORD
            + "@127.0.0.1:"
            + pgPort
            + "/app");
    System.out.println(
        "demo:   stop:     Ctrl-C (or curl -X POST http://127.0.0.1:" + httpPort + "/terminate)");
    System.out.println();
    int code = cc.waitFor();
    System.out.println("demo: compute_ctl exited with code " + code);
    System.exit(code);
  }

  private static Process startComputeCtl(
      Path launcher,
      String user,
      Path work,
      PgInstall pg,
      Path spec,
      int pgPort,
      int httpPort,
      int internalPort)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                launcher.toString(),
                "--pgdata",
                work.resolve("pgdata").toString(),
                "--connstr",
                "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres",
                "--pgbin",
                pg.postgres().toString(),
                "--compute-id",
                "compute-demo",
                "--external-http-port",
                Integer.toString(httpPort),
                "--internal-http-port",
                Integer.toString(internalPort),
                "--spec-path",
                spec.toString()));
    ProcessBuilder pb = new ProcessBuilder(RunAs.command(user, cmd)).inheritIO();
    pb.environment().put("COMPUTE_CTL_EXIT_GRACE_SECONDS", "1");
    return pb.start();
  }

  private static Path writeSpec(Path work, int pageserverPort, int pgPort) throws IOException {
    Path spec = work.resolve("spec.json");
    Files.writeString(spec, spec(pageserverPort, freePort(), pgPort));
    return spec;
  }

  private static void cleanUp(Process cc, PageserverStandIn pageserver, Path work) {
    try {
      if (cc.isAlive()) {
        cc.destroy(); // SIGTERM: compute_ctl fast-stops Postgres before it exits
        if (!cc.waitFor(90, TimeUnit.SECONDS)) {
          cc.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pageserver.close();
    try {
      Process rm = new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start();
      rm.waitFor(60, TimeUnit.SECONDS);
      System.out.println("demo: stopped and cleaned up " + work);
    } catch (IOException e) {
      Log.warn("demo: could not remove " + work + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int portOr(int preferred) throws IOException {
    try (ServerSocket s = new ServerSocket(preferred)) {
      return s.getLocalPort();
    } catch (IOException busy) {
      return freePort();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
