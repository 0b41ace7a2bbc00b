package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.Lsn;
import computectl.tar.TarEntry;
import computectl.tar.TarReader;
import computectl.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class NeonShapedBasebackup_Test {
  private static boolean kept(String path) {
    return NeonShapedBasebackup.keep(TarEntry.file(path, 0600, 8192, 0));
  }

  @Test
  void keepsNonRelationalFilesAndInitForksOnly() {
    assertFalse(kept("base/5/1259"));
    assertFalse(kept("base/5/1259_fsm"));
    assertFalse(kept("base/5/1259_vm"));
    assertFalse(kept("base/5/16384.1"));
    assertFalse(kept("global/1260"));
    assertTrue(kept("base/5/16390_init"));
    assertTrue(kept("base/5/pg_filenode.map"));
    assertTrue(kept("base/5/PG_VERSION"));
    assertTrue(kept("global/pg_control"));
    assertTrue(kept("global/pg_filenode.map"));
    assertTrue(kept("pg_xact/0000"));
    assertTrue(kept("pg_multixact/offsets/0000"));
    assertTrue(kept("pg_twophase/000002E5"));
    assertFalse(kept("pg_wal/000000010000000000000002"));
    assertFalse(kept("backup_label"));
    assertTrue(NeonShapedBasebackup.keep(TarEntry.directory("base/5/", 0700, 0)));
  }

  @Test
  void walSegmentIsNamedForTheLsnAndIsNearlyAllZeros() {
    Lsn lsn = Lsn.parse("0/2000100");
    assertEquals("000000010000000000000002", NeonShapedBasebackup.segmentName(lsn));
    assertEquals(
        "0000000100000001000000FF", NeonShapedBasebackup.segmentName(Lsn.parse("1/FF000000")));
    byte[] seg = NeonShapedBasebackup.walSegment(lsn);
    assertEquals(16 << 20, seg.length);
    int nonZero = 0;
    for (byte b : seg) {
      nonZero += b != 0 ? 1 : 0;
    }
    assertTrue(nonZero > 0 && nonZero < 64, nonZero + " non-zero bytes");
  }

  @Test
  void reshapesAnArchiveAndItGzipsSmall() throws Exception {
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(full)) {
      w.writeDirectory("base/5", 0700, 0);
      w.writeFile("base/5/1259", 0600, 0, new byte[1 << 20]);
      w.writeFile("base/5/16390_init", 0600, 0, new byte[8192]);
      w.writeFile("global/pg_control", 0600, 0, new byte[8192]);
      w.writeFile("pg_wal/000000010000000000000002", 0600, 0, new byte[16 << 20]);
    }
    Lsn lsn = Lsn.parse("0/2000100");
    BasebackupTar neon =
        NeonShapedBasebackup.of(new BasebackupTar(full.toByteArray(), lsn, lsn, "base/5/1259"));
    List<String> paths = new ArrayList<>();
    TarReader r = new TarReader(new ByteArrayInputStream(neon.tar()));
    TarEntry e;
    while ((e = r.next()) != null) {
      paths.add(e.path());
    }
    assertEquals(
        List.of(
            "base/5/", "base/5/16390_init", "global/pg_control", "pg_wal/000000010000000000000002"),
        paths);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(neon.tar());
    }
    assertTrue(gz.size() < 100 << 10, gz.size() + " bytes gzipped");
  }
}
