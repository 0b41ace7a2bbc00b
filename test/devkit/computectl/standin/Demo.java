package computectl.standin;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code make demo}: the main job on an embedded default. Starts the pageserver stand-in (serving a
 * real basebackup), writes the bundled sample spec, and runs compute_ctl from the runtime image
 * against the local PostgreSQL 15 (as the {@code postgres} user when run as root). Ctrl-C stops
 * compute_ctl (which stops Postgres) and removes everything the demo made.
 */
public final class Demo {
  private static final String TOKEN = "demo-storage-token";
  private static final String APP_PASSWORD = "app-password";

  private Demo() {}

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
    Process cc = startComputeCtl(image, user, work, pg, spec, pgPort, httpPort, internalPort);
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
      Path image,
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
                image.resolve("bin/compute_ctl").toString(),
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
    String template;
    try (InputStream in = Demo.class.getResourceAsStream("demo-spec.json")) {
      if (in == null) {
        throw new ComputeCtlException("demo-spec.json is missing from the jar");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String json =
        template
            .replace("@PAGESERVER_PORT@", Integer.toString(pageserverPort))
            .replace("@SAFEKEEPER_PORT@", Integer.toString(freePort()))
            .replace("@TOKEN@", TOKEN)
            .replace("@PG_PORT@", Integer.toString(pgPort))
            .replace("@APP_MD5@", md5Hex(APP_PASSWORD + "app"));
    Path spec = work.resolve("spec.json");
    Files.writeString(spec, json);
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

  private static String md5Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
