package computectl.standin;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Lays out the private PostgreSQL installation ({@link PgInstall}: the sync-safekeepers shim and
 * the neon stub over the real binaries) where compute_ctl runs but the stand-ins do not, as in a
 * container: {@code PgInstallMain <root> <sync-safekeepers LSN> [<real bin dir>]}. Prints the path
 * to pass as {@code --pgbin}.
 */
public final class PgInstallMain {
  private PgInstallMain() {}

  public static void main(String[] argv) {
    if (argv.length != 2 && argv.length != 3) {
      System.err.println("usage: PgInstallMain <root> <sync-safekeepers LSN> [<real bin dir>]");
      System.exit(2);
    }
    try {
      Path realBin = argv.length == 3 ? Path.of(argv[2]) : PgInstall.DEFAULT_PG_BIN_DIR;
      PgInstall pg = PgInstall.create(Path.of(argv[0]), realBin);
      pg.configureShim(argv[1], 0, 0);
      System.out.println(pg.postgres());
    } catch (ComputeCtlException | IOException e) {
      System.err.println("PgInstallMain: " + ComputeCtlException.chain(e));
      System.exit(1);
    }
  }
}
