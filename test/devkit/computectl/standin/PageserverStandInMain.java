package computectl.standin;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the stand-in pageserver as a process (for {@code make demo}): {@code --port <n>} (0 or
 * absent: any), {@code --work-dir <dir>} (required: the private PostgreSQL installation and the
 * source cluster go there), {@code --password <token>} (optional: clients must send it), {@code
 * --auth trust|password|md5|scram-sha-256} (default: password when a password is given, else
 * trust), {@code --pg-bin-dir <dir>} (the real PostgreSQL binaries). Prints {@code listening on
 * 127.0.0.1:<port> lsn <lsn>} once ready, then serves until killed.
 */
public final class PageserverStandInMain {
  private PageserverStandInMain() {}

  record Args(int port, Path workDir, String password, PageserverStandIn.Auth auth, Path pgBinDir) {
    static Args parse(String[] argv) {
      int port = 0;
      Path workDir = null;
      String password = null;
      String auth = null;
      Path pgBin = PgInstall.DEFAULT_PG_BIN_DIR;
      for (int i = 0; i < argv.length; i++) {
        String flag = argv[i];
        if (i + 1 >= argv.length) {
          throw new ComputeCtlException("missing value after " + flag);
        }
        String v = argv[++i];
        switch (flag) {
          case "--port" -> port = parsePort(v);
          case "--work-dir" -> workDir = Path.of(v);
          case "--password" -> password = v;
          case "--auth" -> auth = v;
          case "--pg-bin-dir" -> pgBin = Path.of(v);
          default ->
              throw new ComputeCtlException(
                  "unknown argument "
                      + flag
                      + " (use --port, --work-dir, --password, --auth, --pg-bin-dir)");
        }
      }
      if (workDir == null) {
        throw new ComputeCtlException("--work-dir is required");
      }
      PageserverStandIn.Auth method =
          auth != null
              ? PageserverStandIn.Auth.parse(auth)
              : password != null ? PageserverStandIn.Auth.CLEARTEXT : PageserverStandIn.Auth.TRUST;
      return new Args(port, workDir, password, method, pgBin);
    }

    private static int parsePort(String v) {
      try {
        int p = Integer.parseInt(v);
        if (p >= 0 && p <= 65535) {
          return p;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ComputeCtlException("invalid --port \"" + v + "\"");
    }
  }

  public static void main(String[] argv) {
    try {
      run(Args.parse(argv));
    } catch (ComputeCtlException | IOException e) {
      System.err.println("pageserver stand-in: " + ComputeCtlException.chain(e));
      System.exit(1);
    }
  }

  private static void run(Args args) throws IOException {
    Files.createDirectories(args.workDir());
    String user = RunAs.unprivilegedUser();
    Path pgRoot = args.workDir().resolve("pg");
    PgInstall pg = PgInstall.create(pgRoot, args.pgBinDir());
    RunAs.chownTree(user, pgRoot);
    BasebackupTar backup =
        StandInBasebackup.createIn(pg, args.workDir().resolve("source"), freePort());
    PageserverStandIn server =
        PageserverStandIn.start(args.port(), backup).auth(args.auth(), args.password());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "standin-pageserver-shutdown"));
    System.out.println("listening on 127.0.0.1:" + server.port() + " lsn " + server.lsn());
    System.out.flush();
    Log.info("stand-in pageserver serving " + backup.tar().length + " bytes, auth " + args.auth());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
