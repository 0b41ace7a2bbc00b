package computectl.compute;

import computectl.standin.BasebackupTar;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end compute test needs: the private PostgreSQL installation (its postgres is the
 * sync-safekeepers shim), one real basebackup made once, a pageserver stand-in serving it, and
 * compute_ctl processes with their own PGDATA and ports. Registered as a JUnit extension
 * ({@code @RegisterExtension static final}), it is closed after the class's last test.
 */
final class ComputeFixture implements AutoCloseable, AfterAllCallback {
  static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";
  static final String TOKEN = "storage-token-e2e";

  /**
   * How long a failed compute keeps serving /status before it exits: the failure tests must read
   * "failed" in that window, which a loaded machine needs seconds for (the product's default is 30
   * s; each failure test waits it out).
   */
  static final String EXIT_GRACE_SECONDS = "5";

  private static BasebackupTar backup;

  final PgInstall pg = TestPg.install();
  final PageserverStandIn pageserver;

  ComputeFixture() {
    try {
      BasebackupTar shared = sharedBackup(pg);
      pageserver = PageserverStandIn.start(0, shared).auth(PageserverStandIn.Auth.CLEARTEXT, TOKEN);
      pg.configureShim(shared.endLsn().toString(), 0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The spec of an end-to-end test on {@code node}: storage at the stand-ins (a safekeeper port
   * nothing listens on), Postgres on the node's port, no roles or databases.
   */
  SpecBuilder spec(Node node) {
    return SpecBuilder.atStandIns(TENANT, TIMELINE, pageserver.port(), TestPg.freePort(), TOKEN)
        .operation("op-e2e")
        .clusterId("e2e-cluster")
        .throwawayPostgres(node.pgPort());
  }

  /** Writes {@code spec} to a file of its own that the Postgres user owns (for {@code -S}). */
  static Path write(SpecBuilder spec) {
    try {
      Path file = TestPg.workDir("computectl-spec-").resolve("spec.json");
      Files.writeString(file, spec.json());
      RunAs.chownTree(TestPg.user(), file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one basebackup of the test run, made by the first fixture. */
  private static synchronized BasebackupTar sharedBackup(PgInstall pg) throws IOException {
    if (backup == null) {
      backup =
          StandInBasebackup.createIn(pg, TestPg.workDir("computectl-source-"), TestPg.freePort());
    }
    return backup;
  }

  BasebackupTar backup() {
    return backup;
  }

  /** A compute's own ports and data directory. */
  record Node(int pgPort, int externalPort, int internalPort, Path pgdata) {
    String connstr() {
      return "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres";
    }

    String jdbcUrl(String db) {
      return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + db;
    }

    /**
     * The basebackup trusts loopback; require passwords (cloud_admin aside) so that logins prove
     * them.
     */
    void requirePasswords(java.sql.Statement admin) throws Exception {
      java.nio.file.Files.writeString(
          pgdata.resolve("pg_hba.conf"),
          "host all cloud_admin 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 md5\n");
      admin.execute("select pg_reload_conf()");
      Await.until("Postgres to ask for passwords", this::asksForPassword);
    }

    /** Whether a login without password is asked for one (the new pg_hba.conf is loaded). */
    private boolean asksForPassword() {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("user", "password_probe");
      try {
        java.sql.DriverManager.getConnection(jdbcUrl("postgres"), p).close();
        return false;
      } catch (java.sql.SQLException e) {
        // The driver's "the server requested password-based authentication" (no password given).
        return "08004".equals(e.getSQLState());
      }
    }

    /** Logs in over TCP with a password; returns current_user. */
    String login(String user, String password) throws java.sql.SQLException {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("user", user);
      p.setProperty("password", password);
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl("postgres"), p);
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("select current_user")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static Node newNode() {
    return new Node(
        TestPg.freePort(),
        TestPg.freePort(),
        TestPg.freePort(),
        TestPg.workDir("computectl-compute-").resolve("pgdata"));
  }

  /** Starts compute_ctl for {@code node} with a spec file (or none: a pooled compute). */
  ComputeCtlProcess start(
      Node node, Path specFile, List<String> extraArgs, Map<String, String> env) {
    return start(List.of(), node, specFile, extraArgs, env);
  }

  /** {@link #start(Node, Path, List, Map)} through {@code wrapper} (see ComputeCtlProcess). */
  ComputeCtlProcess start(
      List<String> wrapper,
      Node node,
      Path specFile,
      List<String> extraArgs,
      Map<String, String> env) {
    return start(wrapper, node, specFile, extraArgs, env, pg.postgres());
  }

  /** {@link #start(Node, Path, List, Map)} with another {@code --pgbin}. */
  ComputeCtlProcess startWithPgbin(Node node, Path specFile, Path pgbin) {
    return start(List.of(), node, specFile, List.of(), Map.of(), pgbin);
  }

  private ComputeCtlProcess start(
      List<String> wrapper,
      Node node,
      Path specFile,
      List<String> extraArgs,
      Map<String, String> env,
      Path pgbin) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--pgdata",
                node.pgdata().toString(),
                "--connstr",
                node.connstr(),
                "--pgbin",
                pgbin.toString(),
                "--compute-id",
                "compute-e2e",
                "--external-http-port",
                Integer.toString(node.externalPort()),
                "--internal-http-port",
                Integer.toString(node.internalPort())));
    if (specFile != null) {
      args.addAll(List.of("--spec-path", specFile.toString()));
    }
    args.addAll(extraArgs);
    Map<String, String> fullEnv =
        new java.util.HashMap<>(Map.of("COMPUTE_CTL_EXIT_GRACE_SECONDS", EXIT_GRACE_SECONDS));
    fullEnv.putAll(env);
    return ComputeCtlProcess.start(wrapper, args, fullEnv, node.externalPort());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    pageserver.close();
  }
}
