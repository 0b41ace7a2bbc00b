package computectl.standin;

import computectl.util.ComputeCtlException;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL cluster made with initdb and run with pg_ctl on a loopback TCP port, as an
 * unprivileged user when we are root. Superuser {@code cloud_admin}, trust authentication. Used as
 * the stand-in pageserver's source of basebackups and by tests.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String SUPERUSER = "cloud_admin";

  private final PgInstall pg;
  private final Path dataDir;
  private final int port;
  private final String user;
  private final Path configFile;
  private final Path logFile;
  private boolean running;

  private LocalCluster(
      PgInstall pg, Path dataDir, int port, String user, Path configFile, Path logFile) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.port = port;
    this.user = user;
    this.configFile = configFile;
    this.logFile = logFile;
  }

  /**
   * initdb into {@code dataDir} (must not exist; its parent must be writable by the user) and
   * start.
   */
  public static LocalCluster start(PgInstall pg, Path dataDir, int port) throws IOException {
    String user = RunAs.unprivilegedUser();
    LocalCluster c =
        new LocalCluster(
            pg,
            dataDir,
            port,
            user,
            dataDir.resolve("postgresql.conf"),
            dataDir.resolve("server.log"));
    c.initdb();
    return c.configureAndStart("");
  }

  /**
   * Like {@link #start}, but postgresql.conf and the server log live in {@code <dataDir>.conf/}, so
   * that a basebackup of this cluster has no postgresql.conf, as Neon's basebackups have none.
   */
  public static LocalCluster startWithConfigOutside(PgInstall pg, Path dataDir, int port)
      throws IOException {
    return startWithConfigOutside(pg, dataDir, port, "");
  }

  /** Same, with {@code extraConf} appended to postgresql.conf before the first start. */
  public static LocalCluster startWithConfigOutside(
      PgInstall pg, Path dataDir, int port, String extraConf) throws IOException {
    String user = RunAs.unprivilegedUser();
    Path confDir = dataDir.resolveSibling(dataDir.getFileName() + ".conf");
    LocalCluster c =
        new LocalCluster(
            pg,
            dataDir,
            port,
            user,
            confDir.resolve("postgresql.conf"),
            confDir.resolve("server.log"));
    c.initdb();
    Files.createDirectories(confDir);
    Files.move(dataDir.resolve("postgresql.conf"), c.configFile);
    RunAs.chownTree(user, confDir);
    return c.configureAndStart(extraConf);
  }

  private void initdb() throws IOException {
    run(
        List.of(
            pg.tool("initdb").toString(),
            "-D",
            dataDir.toString(),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8"),
        120);
  }

  private LocalCluster configureAndStart(String extraConf) throws IOException {
    Files.writeString(
        dataDir.resolve("postgresql.auto.conf"), "", java.nio.file.StandardOpenOption.APPEND);
    appendConf(
        "port = "
            + port
            + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
            + "fsync = off\nwal_level = replica\nmax_wal_senders = 4\n"
            + extraConf);
    startServer();
    return this;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String user() {
    return user;
  }

  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=" + SUPERUSER;
  }

  public String url(String db) {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + db;
  }

  /** Where postgresql.conf is: in the data directory unless started with the config outside. */
  public Path configFile() {
    return configFile;
  }

  public void appendConf(String text) throws IOException {
    Files.writeString(
        configFile, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  public void startServer() throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                pg.tool("pg_ctl").toString(),
                "-D",
                dataDir.toString(),
                "-w",
                "-t",
                "60",
                "-l",
                logFile.toString()));
    if (!configFile.equals(dataDir.resolve("postgresql.conf"))) {
      cmd.addAll(List.of("-o", "-c config_file=" + configFile));
    }
    cmd.add("start");
    run(cmd, 90);
    running = true;
  }

  /** Runs SQL with psql as the superuser, returning its unaligned output. */
  public String psql(String db, String sql) throws IOException {
    return run(
        List.of(
            pg.tool("psql").toString(),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            SUPERUSER,
            "-d",
            db,
            "-c",
            sql),
        60);
  }

  /**
   * A tar-format basebackup with the WAL needed to start from it ({@code pg_basebackup -Ft -X
   * fetch}).
   */
  public Path basebackup(Path outDir) throws IOException {
    run(
        List.of(
            pg.tool("pg_basebackup").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            SUPERUSER,
            "-D",
            outDir.toString(),
            "-Ft",
            "-X",
            "fetch",
            "--no-sync",
            "-c",
            "fast"),
        120);
    return outDir.resolve("base.tar");
  }

  @Override
  public void close() throws IOException {
    if (running) {
      running = false;
      run(
          List.of(
              pg.tool("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-m", "fast", "stop"),
          60);
    }
  }

  private String run(List<String> cmd, int timeoutSeconds) throws IOException {
    List<String> full = new ArrayList<>(RunAs.command(user, cmd));
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ComputeCtlException(cmd.get(0) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted", e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new ComputeCtlException(
          String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + text.trim());
    }
    return text;
  }
}
