package computectl.standin;

import computectl.util.CommandLine;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    static final CommandLine.Option PORT = CommandLine.Option.value("port", '\0', "PORT");
    static final CommandLine.Option WORK_DIR = CommandLine.Option.value("work-dir", '\0', "DIR");
    static final CommandLine.Option PASSWORD = CommandLine.Option.value("password", '\0', "TOKEN");
    static final CommandLine.Option AUTH = CommandLine.Option.value("auth", '\0', "METHOD");
    static final CommandLine.Option PG_BIN_DIR =
        CommandLine.Option.value("pg-bin-dir", '\0', "DIR");

    /** Read by the product's command-line reader, with its messages. */
    static Args parse(String[] argv) {
      CommandLine line =
          CommandLine.read(
              List.of(PORT, WORK_DIR, PASSWORD, AUTH, PG_BIN_DIR), argv, ComputeCtlException::new);
      line.require(List.of(WORK_DIR));
      String password = line.get(PASSWORD);
      String auth = line.get(AUTH);
      PageserverStandIn.Auth method =
          auth != null
              ? PageserverStandIn.Auth.parse(auth)
              : password != null ? PageserverStandIn.Auth.CLEARTEXT : PageserverStandIn.Auth.TRUST;
      String pgBin = line.get(PG_BIN_DIR);
      return new Args(
          line.integer(PORT, 0, 0, 65535),
          Path.of(line.get(WORK_DIR)),
          password,
          method,
          pgBin == null ? PgInstall.DEFAULT_PG_BIN_DIR : Path.of(pgBin));
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
