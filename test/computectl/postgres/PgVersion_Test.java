package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.TestPg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class PgVersion_Test {
  @Test
  void parse_upstreamVectors() {
    for (String v :
        new String[] {
          "PostgreSQL 15.4", "PostgreSQL 15.14", "PostgreSQL 15.4 (Ubuntu 15.4-0ubuntu0.23.04.1)"
        }) {
      assertEquals("v15", PgVersion.parse(v), v);
    }
    for (String v :
        new String[] {
          "PostgreSQL 14.15", "PostgreSQL 14.0", "PostgreSQL 14.9 (Debian 14.9-1.pgdg120+1)"
        }) {
      assertEquals("v14", PgVersion.parse(v), v);
    }
    for (String v :
        new String[] {
          "PostgreSQL 16devel", "PostgreSQL 16beta1", "PostgreSQL 16rc2", "PostgreSQL 16extra"
        }) {
      assertEquals("v16", PgVersion.parse(v), v);
    }
    assertEquals("v17", PgVersion.parse("PostgreSQL 17.2\n"));
  }

  @Test
  void parse_rejectsOldAndBareVersions() {
    PgException e = assertThrows(PgException.class, () -> PgVersion.parse("PostgreSQL 13.14"));
    assertEquals(
        "unsupported PostgreSQL version 'PostgreSQL 13.14' (supported: 14, 15, 16, 17)",
        e.getMessage());
    assertThrows(PgException.class, () -> PgVersion.parse("PostgreSQL 14"));
    assertThrows(PgException.class, () -> PgVersion.parse("PostgreSQL 18.0"));
    assertThrows(PgException.class, () -> PgVersion.parse(""));
  }

  @Test
  void pgConfigPath_stripsPostgresAndAppendsPgConfig() {
    assertEquals("/usr/local/bin//pg_config", PgVersion.pgConfigPath("/usr/local/bin/postgres"));
    assertEquals("/pg_config", PgVersion.pgConfigPath("postgres"));
  }

  @Test
  void pgConfigPath_refusesPgbinNotEndingInPostgres() {
    PgException e =
        assertThrows(PgException.class, () -> PgVersion.pgConfigPath("/usr/bin/postmaster"));
    assertEquals(
        "--pgbin must end in 'postgres' (pg_config is found next to it): /usr/bin/postmaster",
        e.getMessage());
  }

  @Tag("e2e")
  @Test
  void detect_realInstallationIsV15() {
    assertEquals("v15", PgVersion.detect(TestPg.install().postgres().toString()));
  }

  @Test
  void detect_missingPgConfigIsAClearError() throws Exception {
    Path dir = Files.createTempDirectory("pgversion-");
    PgException e = assertThrows(PgException.class, () -> PgVersion.detect(dir + "/postgres"));
    assertTrue(e.getMessage().startsWith("cannot run " + dir + "//pg_config: "), e.getMessage());
    PgData.deleteTree(dir);
  }

  @Test
  void detect_failingOrOldPgConfigIsAClearError() throws Exception {
    Path dir = Files.createTempDirectory("pgversion-");
    Path pgConfig = dir.resolve("pg_config");
    Files.writeString(pgConfig, "#!/bin/sh\necho 'PostgreSQL 15.1'\nexit 3\n");
    Files.setPosixFilePermissions(pgConfig, PosixFilePermissions.fromString("rwxr-xr-x"));
    PgException failed = assertThrows(PgException.class, () -> PgVersion.detect(dir + "/postgres"));
    assertEquals(dir + "//pg_config --version failed with exit code 3", failed.getMessage());
    Files.writeString(pgConfig, "#!/bin/sh\necho 'PostgreSQL 13.9'\n");
    PgException old = assertThrows(PgException.class, () -> PgVersion.detect(dir + "/postgres"));
    assertEquals(
        "unsupported PostgreSQL version 'PostgreSQL 13.9' (supported: 14, 15, 16, 17)",
        old.getMessage());
    PgData.deleteTree(dir);
  }
}
