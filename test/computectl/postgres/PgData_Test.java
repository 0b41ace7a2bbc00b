package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgData_Test {
  private Path root;
  private Path outside;
  private Path pgdata;

  @BeforeEach
  void makeDirs() throws Exception {
    root = Files.createTempDirectory("pgdata-test-");
    outside = Files.createDirectories(root.resolve("outside/sub"));
    Files.writeString(outside.resolve("keep"), "precious");
    pgdata = root.resolve("pgdata");
  }

  @AfterEach
  void removeDirs() {
    PgData.deleteTree(root);
  }

  @Test
  void reset_deletesTheTreeButNeverFollowsSymlinksOutOfIt() throws Exception {
    Files.createDirectories(pgdata.resolve("base/1"));
    Files.writeString(pgdata.resolve("base/1/123"), "data");
    Files.createSymbolicLink(pgdata.resolve("pg_dynshmem"), outside);
    Files.createSymbolicLink(pgdata.resolve("base/1/link-to-file"), outside.resolve("keep"));
    Files.createSymbolicLink(pgdata.resolve("base/dangling"), root.resolve("nowhere"));
    PgData.reset(pgdata);
    assertTrue(Files.isDirectory(pgdata, LinkOption.NOFOLLOW_LINKS));
    try (var entries = Files.list(pgdata)) {
      assertEquals(0, entries.count());
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pgdata)));
    assertEquals("precious", Files.readString(outside.resolve("keep")));
    assertTrue(Files.isDirectory(outside));
  }

  @Test
  void reset_replacesASymlinkedPgdataWithARealDirectory() throws Exception {
    Files.createSymbolicLink(pgdata, outside);
    PgData.reset(pgdata);
    assertTrue(Files.isDirectory(pgdata, LinkOption.NOFOLLOW_LINKS));
    assertEquals("precious", Files.readString(outside.resolve("keep")));
  }

  @Test
  void reset_createsAnAbsentDirectory() {
    PgData.reset(pgdata);
    assertTrue(Files.isDirectory(pgdata));
  }

  @Test
  void reset_missingParentIsAClearError() {
    Path orphan = root.resolve("no/such/pgdata");
    PgException e = assertThrows(PgException.class, () -> PgData.reset(orphan));
    assertEquals(
        "could not create data directory "
            + orphan
            + ": no such file or directory (does its parent exist?)",
        e.getMessage());
  }

  @Test
  void ensureHbaLine_appendsTheTabSeparatedRuleOnce() throws Exception {
    Files.createDirectories(pgdata);
    Path hba = pgdata.resolve("pg_hba.conf");
    Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    assertTrue(PgData.ensureHbaLine(pgdata));
    assertFalse(PgData.ensureHbaLine(pgdata));
    assertEquals(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n\nhost\tall\t\tall\t\tall\t\tmd5",
        Files.readString(hba));
  }

  @Test
  void replaceDynshmem_linksToDevShmWithTrailingSlash() throws Exception {
    Files.createDirectories(pgdata.resolve("pg_dynshmem"));
    PgData.replaceDynshmem(pgdata, PgData.stageDynshmem(pgdata));
    Path link = pgdata.resolve("pg_dynshmem");
    assertTrue(Files.isSymbolicLink(link));
    Process readlink = new ProcessBuilder("readlink", link.toString()).start();
    assertEquals(
        "/dev/shm/\n",
        new String(readlink.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertFalse(
        Files.exists(pgdata.resolve(PgData.DYNSHMEM_STAGED), LinkOption.NOFOLLOW_LINKS),
        "the staged link was moved, not copied");
  }

  /** The start stages the link before the basebackup, whose archive could hold that name. */
  @Test
  void replaceDynshmem_refusesAStagedLinkTheArchiveReplaced() throws Exception {
    Files.createDirectories(pgdata.resolve("pg_dynshmem"));
    Future<Void> staging = PgData.stageDynshmem(pgdata);
    staging.get();
    Path staged = pgdata.resolve(PgData.DYNSHMEM_STAGED);
    Files.delete(staged);
    Files.writeString(staged, "from the archive");
    PgException e = assertThrows(PgException.class, () -> PgData.replaceDynshmem(pgdata, staging));
    assertEquals(
        "cannot replace " + pgdata.resolve("pg_dynshmem") + ": " + staged + " was replaced",
        e.getMessage());
    assertTrue(Files.isDirectory(pgdata.resolve("pg_dynshmem"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void replaceDynshmem_refusesANonEmptyDirectory() throws Exception {
    Files.createDirectories(pgdata.resolve("pg_dynshmem"));
    Files.writeString(pgdata.resolve("pg_dynshmem/seg"), "x");
    PgException e =
        assertThrows(
            PgException.class, () -> PgData.replaceDynshmem(pgdata, PgData.stageDynshmem(pgdata)));
    assertEquals(
        "cannot replace " + pgdata.resolve("pg_dynshmem") + ": directory not empty",
        e.getMessage());
  }

  @Test
  void replaceDynshmem_refusesAMissingDirectory() throws Exception {
    Files.createDirectories(pgdata);
    PgException e =
        assertThrows(
            PgException.class, () -> PgData.replaceDynshmem(pgdata, PgData.stageDynshmem(pgdata)));
    assertEquals(
        "cannot replace " + pgdata.resolve("pg_dynshmem") + ": it does not exist", e.getMessage());
  }

  @Test
  void addStandbySignal_createsAnEmptyFileOnce() throws Exception {
    Files.createDirectories(pgdata);
    assertTrue(PgData.addStandbySignal(pgdata));
    assertEquals(0, Files.size(pgdata.resolve("standby.signal")));
    Files.writeString(pgdata.resolve("standby.signal"), "kept");
    assertFalse(PgData.addStandbySignal(pgdata));
    assertEquals("kept", Files.readString(pgdata.resolve("standby.signal")));
  }
}
