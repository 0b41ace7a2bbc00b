package computectl.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.StartupMetrics;
import computectl.tar.ExtractStats;
import computectl.tar.TarWriter;
import computectl.util.ComputeCtlException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasebackupFile_Test {
  @TempDir Path dir;

  private static byte[] tar(String... nameAndContent) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      w.writeDirectory("global/", 0700, 0);
      for (int i = 0; i < nameAndContent.length; i += 2) {
        w.writeFile(
            nameAndContent[i], 0600, 0, nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private Path pgdata() throws IOException {
    return Files.createDirectories(dir.resolve("pgdata"));
  }

  @Test
  void unpack_plainTar_andRecordsSizeAndTime() throws IOException {
    Path file =
        Files.write(dir.resolve("bb.tar"), tar("PG_VERSION", "15\n", "global/pg_control", "ctl"));
    StartupMetrics m = new StartupMetrics();
    ExtractStats stats = BasebackupFile.unpack(file, pgdata(), m);
    assertEquals(3, stats.entries());
    assertEquals("15\n", Files.readString(dir.resolve("pgdata/PG_VERSION")));
    assertEquals(Files.size(file), m.get(StartupMetrics.Field.BASEBACKUP_BYTES));
  }

  @Test
  void unpack_gzippedTar_isToldByItsContentNotItsName() throws IOException {
    Path file = Files.write(dir.resolve("bb.tar"), gzip(tar("PG_VERSION", "15\n")));
    BasebackupFile.unpack(file, pgdata(), new StartupMetrics());
    assertEquals("15\n", Files.readString(dir.resolve("pgdata/PG_VERSION")));
  }

  @Test
  void unpack_keepsTheGeneratedPostgresqlConf() throws IOException {
    Path pgdata = pgdata();
    Files.writeString(pgdata.resolve("postgresql.conf"), "# generated from the spec\n");
    Path file =
        Files.write(
            dir.resolve("bb.tar.gz"),
            gzip(tar("postgresql.conf", "port = 5432\n", "PG_VERSION", "15\n")));
    BasebackupFile.unpack(file, pgdata, new StartupMetrics());
    assertEquals(
        "# generated from the spec\n", Files.readString(pgdata.resolve("postgresql.conf")));
  }

  @Test
  void unpack_refusesAnEscapingEntry() throws IOException {
    Path file = Files.write(dir.resolve("bad.tar"), tar("../escape", "x"));
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> BasebackupFile.unpack(file, pgdata(), new StartupMetrics()));
    assertTrue(
        e.getMessage().startsWith("could not unpack basebackup file " + file + ": "),
        e.getMessage());
    assertTrue(Files.notExists(dir.resolve("escape")));
  }

  @Test
  void unpack_namesAMissingOrBrokenFile() throws IOException {
    ComputeCtlException missing =
        assertThrows(
            ComputeCtlException.class,
            () -> BasebackupFile.unpack(dir.resolve("nope.tar"), pgdata(), new StartupMetrics()));
    assertEquals(
        "could not read basebackup file " + dir.resolve("nope.tar") + ": no such file",
        missing.getMessage());
    byte[] truncated = gzip(tar("PG_VERSION", "15\n"));
    Path cut =
        Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(truncated, truncated.length / 2));
    ComputeCtlException broken =
        assertThrows(
            ComputeCtlException.class,
            () -> BasebackupFile.unpack(cut, pgdata(), new StartupMetrics()));
    assertTrue(broken.getMessage().contains(cut.toString()), broken.getMessage());
  }
}
