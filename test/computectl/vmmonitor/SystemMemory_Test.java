package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SystemMemory_Test {
  @Test
  void memTotalBytes_readsKilobytesFromMeminfo() throws Exception {
    Path f = Files.createTempFile("meminfo", "");
    try {
      Files.writeString(f, "MemTotal:        4194304 kB\nMemFree:  1 kB\n");
      assertEquals(4294967296L, SystemMemory.memTotalBytes(f));
      Files.writeString(f, "MemFree:  1 kB\n");
      assertEquals(
          "no MemTotal line in " + f,
          assertThrows(VmMonitorException.class, () -> SystemMemory.memTotalBytes(f)).getMessage());
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void memTotalBytes_readsThisMachine() {
    assertTrue(SystemMemory.memTotalBytes() > 64L << 20);
  }
}
