package computectl.bench;

import computectl.testsupport.TestPg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One compute's (or one baseline cluster's) ports and data directory. */
record BenchNode(int pgPort, int externalPort, int internalPort, Path pgdata) {
  static BenchNode fresh() {
    return new BenchNode(
        TestPg.freePort(), TestPg.freePort(), TestPg.freePort(), runDir().resolve("pgdata"));
  }

  private static Path runDir() {
    try {
      return BenchEnv.runDir("computectl-bench-node-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String connstr() {
    return "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres";
  }

  /** The node's temp directory (parent of PGDATA), removed when the run is done. */
  Path dir() {
    return pgdata.getParent();
  }
}
