package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CgroupWatcher_Test {
  private static final String REALISTIC_STAT =
      "anon 1879048192\n"
          + "file 536870912\n"
          + "kernel 41943040\n"
          + "shmem 8388608\n"
          + "file_mapped 33554432\n"
          + "inactive_anon 1342177280\n"
          + "active_anon 536870912\n"
          + "inactive_file 268435456\n"
          + "active_file 268435456\n"
          + "unevictable 0\n"
          + "slab_reclaimable 4194304\n"
          + "pgfault 123456\n";

  private static VmMonitorConfig config(FakeCgroup c, String name) {
    return new VmMonitorConfig(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        name,
        null,
        c.root,
        p -> true,
        () -> 4L << 30,
        new FakeClock(),
        Duration.ofMillis(10));
  }

  @Test
  void parseNonReclaimable_addsActiveAndInactiveAnonOnly() {
    assertEquals(1792L << 20, CgroupWatcher.parseNonReclaimable(REALISTIC_STAT));
  }

  @Test
  void parseNonReclaimable_skipsOddLinesAndCountsMissingKeysAsZero() {
    assertEquals(
        7,
        CgroupWatcher.parseNonReclaimable(
            "active_anon  9\nactive_anon x\ninactive_anon 7\n\ngarbage\n"));
    assertEquals(0, CgroupWatcher.parseNonReclaimable("file 5\n"));
    assertEquals(0, CgroupWatcher.parseNonReclaimable(""));
  }

  @Test
  void checkUsable_refusesWhatUpstreamRefuses() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(0)) {
      assertEquals(c.dir, CgroupWatcher.checkUsable(c.root, FakeCgroup.NAME, p -> true));
      assertTrue(
          assertThrows(
                  VmMonitorException.class,
                  () -> CgroupWatcher.checkUsable(c.root, FakeCgroup.NAME, p -> false))
              .getMessage()
              .startsWith("cgroups v2 not supported"));
      assertEquals(
          "cgroup \"other\" does not exist (no directory " + c.root.resolve("other") + ")",
          assertThrows(
                  VmMonitorException.class,
                  () -> CgroupWatcher.checkUsable(c.root, "other", p -> true))
              .getMessage());
      assertTrue(
          assertThrows(
                  VmMonitorException.class,
                  () -> CgroupWatcher.checkUsable(c.root, "../etc", p -> true))
              .getMessage()
              .startsWith("invalid cgroup name \"../etc\""));
      Files.writeString(c.root.resolve("cgroup.controllers"), "cpu io pids\n");
      assertEquals(
          "could not find memory subsystem in " + c.root.resolve("cgroup.controllers"),
          assertThrows(
                  VmMonitorException.class,
                  () -> CgroupWatcher.checkUsable(c.root, FakeCgroup.NAME, p -> true))
              .getMessage());
    }
  }

  @Test
  void isCgroup2Mount_isFalseForAPlainDirectory() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(0)) {
      assertFalse(CgroupWatcher.isCgroup2Mount(c.root));
    }
  }

  @Test
  void start_samplesTheCgroupRepeatedly() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(1792L << 20)) {
      AtomicInteger summaries = new AtomicInteger();
      CgroupWatcher w =
          CgroupWatcher.start(
              config(c, FakeCgroup.NAME), "test-cgroup", summaries::incrementAndGet);
      try {
        waitFor(() -> summaries.get() >= 3);
        MemorySummary s = w.latest();
        assertEquals(1792L << 20, s.meanBytes());
        assertTrue(s.samples() >= 3);
      } finally {
        w.stop();
      }
    }
  }

  @Test
  void start_readsAMissingMemoryStatAsZero() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(1792L << 20)) {
      c.removeMemoryStat();
      AtomicInteger summaries = new AtomicInteger();
      CgroupWatcher w =
          CgroupWatcher.start(
              config(c, FakeCgroup.NAME), "test-cgroup", summaries::incrementAndGet);
      try {
        waitFor(() -> summaries.get() >= 2);
        assertEquals(0, w.latest().meanBytes());
      } finally {
        w.stop();
      }
    }
  }

  @Test
  void start_takesNoSampleWhileMemoryStatIsUnreadable() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(1792L << 20)) {
      AtomicInteger summaries = new AtomicInteger();
      CgroupWatcher w =
          CgroupWatcher.start(
              config(c, FakeCgroup.NAME), "test-cgroup", summaries::incrementAndGet);
      try {
        waitFor(() -> summaries.get() >= 1);
        c.breakMemoryStat();
        waitFor(() -> w.failedReads() >= 1);
        long before = w.latest().samples();
        waitFor(() -> w.failedReads() >= 3);
        assertEquals(before, w.latest().samples(), "no sample from two failed reads");
        Files.delete(c.dir.resolve("memory.stat"));
        c.setUsage(1L << 30);
        waitFor(() -> w.latest().samples() > before);
      } finally {
        w.stop();
      }
    }
  }

  @Test
  void stop_endsTheSamplingThread() throws Exception {
    try (FakeCgroup c = FakeCgroup.create(0)) {
      CgroupWatcher w =
          CgroupWatcher.start(config(c, FakeCgroup.NAME), "test-cgroup-stop", () -> {});
      assertNotNull(find("test-cgroup-stop"));
      w.stop();
      assertEquals(null, find("test-cgroup-stop"));
    }
  }

  private static Thread find(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name) && t.isAlive())
        .findFirst()
        .orElse(null);
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    computectl.testsupport.Await.until("the watcher's condition", condition);
  }
}
