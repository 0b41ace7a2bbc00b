package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.TestPg;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class LocalCluster_Test {
  @Test
  void cluster_runsSqlAndMakesBasebackup() throws Exception {
    try (LocalCluster c = TestPg.newCluster()) {
      assertEquals("2", c.psql("postgres", "select 1 + 1").trim());
      c.psql("postgres", "create extension neon");
      assertEquals(
          "1.5",
          c.psql("postgres", "select extversion from pg_extension where extname = 'neon'").trim());
      Path tar = c.basebackup(TestPg.workDir("bb-").resolve("out"));
      assertTrue(Files.size(tar) > 1_000_000, "basebackup tar is a real cluster");
    }
  }
}
