package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ScalingRules_Test {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void fileCacheSize_matchesReferenceTableForMemTotal() {
    assertEquals(232 * MIB, ScalingRules.fileCacheSize(512 * MIB));
    assertEquals(698 * MIB, ScalingRules.fileCacheSize(GIB));
    assertEquals(1536 * MIB, ScalingRules.fileCacheSize(2 * GIB));
    assertEquals(3072 * MIB, ScalingRules.fileCacheSize(4 * GIB));
    assertEquals(6144 * MIB, ScalingRules.fileCacheSize(8 * GIB));
  }

  @Test
  void fileCacheSize_matchesReferenceTableForAgentMemory() {
    assertEquals(1461 * MIB, ScalingRules.fileCacheSize(ScalingRules.usable(2 * GIB)));
    assertEquals(2229 * MIB, ScalingRules.fileCacheSize(ScalingRules.usable(3 * GIB)));
    assertEquals(2997 * MIB, ScalingRules.fileCacheSize(ScalingRules.usable(4 * GIB)));
    assertEquals(3765 * MIB, ScalingRules.fileCacheSize(ScalingRules.usable(5 * GIB)));
  }

  @Test
  void fileCacheSize_isZeroWithoutMemoryBeyondTheReserve() {
    assertEquals(0, ScalingRules.fileCacheSize(256 * MIB));
    assertEquals(0, ScalingRules.fileCacheSize(100 * MIB));
    assertEquals(0, ScalingRules.fileCacheSize(0));
    assertEquals(0, ScalingRules.fileCacheSize(257 * MIB), "under 1 MiB rounds down to 0");
  }

  @Test
  void fileCacheSize_takesTheSmallerOfSpreadAndRatio() {
    assertEquals(
        676 * MIB, ScalingRules.fileCacheSize(1000 * MIB), "spread: (1000-256)/1.1 = 676.4 < 750");
    assertEquals(
        1500 * MIB, ScalingRules.fileCacheSize(2000 * MIB), "ratio: 0.75 x 2000 = 1500 < 1585.5");
  }

  @Test
  void threshold_matchesReferenceTable() {
    assertEquals(456340275L, ScalingRules.threshold(512 * MIB));
    assertEquals(912680550L, ScalingRules.threshold(GIB));
    assertEquals(1825361100L, ScalingRules.threshold(2 * GIB));
    assertEquals(3650722201L, ScalingRules.threshold(4 * GIB));
    assertEquals(7301444403L, ScalingRules.threshold(8 * GIB));
    assertEquals(1736232140L, ScalingRules.threshold(ScalingRules.usable(2 * GIB)));
    assertEquals(2648912691L, ScalingRules.threshold(ScalingRules.usable(3 * GIB)));
    assertEquals(3561593241L, ScalingRules.threshold(ScalingRules.usable(4 * GIB)));
    assertEquals(4474273792L, ScalingRules.threshold(ScalingRules.usable(5 * GIB)));
  }

  @Test
  void usable_saturatesAtZero() {
    assertEquals(0, ScalingRules.usable(50 * MIB));
    assertEquals(2972 * MIB, ScalingRules.usable(3 * GIB));
  }

  @Test
  void downscaleDenial_approvesExactlyUpToTheBoundary() {
    long newThreshold = ScalingRules.threshold(ScalingRules.usable(3 * GIB));
    assertNull(ScalingRules.downscaleDenial(newThreshold, 2544055091L));
    assertEquals(
        "calculated memory threshold too low: 2526.2 MiB (new threshold) < 2426.2 (current usage) +"
            + " 100 (downscale buffer)",
        ScalingRules.downscaleDenial(newThreshold, 2544055092L));
    long twoGib = ScalingRules.threshold(ScalingRules.usable(2 * GIB));
    assertNull(ScalingRules.downscaleDenial(twoGib, 1631374540L));
    assertEquals(
        "calculated memory threshold too low: 1655.8 MiB (new threshold) < 1792 (current usage) +"
            + " 100 (downscale buffer)",
        ScalingRules.downscaleDenial(twoGib, 1792 * MIB));
  }

  @Test
  void thresholdChange_printsAsUpstream() {
    assertEquals(
        "set cgroup memory threshold from 3481.6 MiB to 2526.2 MiB, of new total 2972 MiB",
        ScalingRules.thresholdChange(3650722201L, 2648912691L, 2972 * MIB));
  }

  @Test
  void mib_printsShortestFloatWithoutTrailingZero() {
    assertEquals("3481.6", ScalingRules.mib(3650722201L));
    assertEquals("2972", ScalingRules.mib(2972 * MIB));
    assertEquals("100", ScalingRules.mib(100 * MIB));
    assertEquals("0", ScalingRules.mib(0));
    assertEquals("1.5", ScalingRules.mib(MIB + MIB / 2));
    assertEquals("0.0009536743", ScalingRules.mib(1000));
    assertEquals("16777216", ScalingRules.mib(16L << 40));
  }
}
