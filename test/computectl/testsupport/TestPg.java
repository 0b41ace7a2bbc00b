package computectl.testsupport;

import computectl.standin.LocalCluster;
import computectl.standin.PgInstall;
import computectl.standin.Ports;
import computectl.util.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Shared real-PostgreSQL fixtures for tests: one private installation (with the neon stub and the
 * sync-safekeepers shim) per test JVM, and fresh clusters on free loopback ports. When the tests
 * run as root, Postgres runs as the {@code postgres} user.
 */
public final class TestPg {
  private static PgInstall install;

  private TestPg() {}

  /** The unprivileged user Postgres runs as, or null when we are not root. */
  public static String user() {
    return RunAs.unprivilegedUser();
  }

  public static synchronized PgInstall install() {
    TestScope.requireEndToEnd("PostgreSQL");
    if (install == null) {
      try {
        Path root = RunAs.ownedTempDir(user(), "computectl-pg-");
        install = PgInstall.create(root.resolve("pg"), PgInstall.DEFAULT_PG_BIN_DIR);
        RunAs.chownTree(user(), root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return install;
  }

  /** A directory Postgres (and compute_ctl run as the same user) may write in. */
  public static Path workDir(String prefix) {
    try {
      return RunAs.ownedTempDir(user(), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, started cluster; close it when done. */
  public static LocalCluster newCluster() {
    try {
      return LocalCluster.start(
          install(), workDir("computectl-cluster-").resolve("data"), freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A port for a child to bind, or one that refuses connections: reserved for this JVM, never
   * handed out by the kernel meanwhile (see {@link Ports}).
   */
  public static int freePort() {
    return Ports.reserve();
  }
}
