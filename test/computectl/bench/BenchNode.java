package computectl.bench;

import computectl.testsupport.TestPg;
import java.nio.file.Path;

/** One compute's (or one baseline cluster's) ports and data directory. */
record BenchNode(int pgPort, int externalPort, int internalPort, Path pgdata) {
  static BenchNode fresh() {
    return new BenchNode(
        TestPg.freePort(),
        TestPg.freePort(),
        TestPg.freePort(),
        TestPg.workDir("computectl-bench-node-").resolve("pgdata"));
  }

  String connstr() {
    return "postgresql://cloud_admin@127.0.0.1:" + pgPort + "/postgres";
  }

  /** The node's temp directory (parent of PGDATA), removed when the run is done. */
  Path dir() {
    return pgdata.getParent();
  }
}
