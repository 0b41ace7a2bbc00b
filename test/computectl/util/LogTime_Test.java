package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTime_Test {
  private static void same(Instant t) {
    assertEquals(t.toString(), LogTime.format(t), "epoch second " + t.getEpochSecond());
  }

  @Test
  void format_writesWhatInstantWrites_atTheEdges() {
    for (long s :
        new long[] {
          0,
          59,
          86_399,
          86_400,
          951_782_400L /* 2000-02-29 */,
          4_107_542_400L /* 2100-03-01 */,
          1_796_438_966L,
          253_402_300_799L /* 9999-12-31T23:59:59 */
        }) {
      for (int nanos : new int[] {0, 1, 999, 1000, 120_000, 1_000_000, 5_000_000, 999_999_999}) {
        same(Instant.ofEpochSecond(s, nanos));
      }
    }
    same(Instant.ofEpochSecond(-1)); // before 1970 and after 9999: Instant's own text
    same(Instant.ofEpochSecond(253_402_300_800L));
  }

  @Test
  void format_writesWhatInstantWrites_atRandom() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      same(Instant.ofEpochSecond(r.nextLong(0, 253_402_300_800L), r.nextInt(1_000_000_000)));
    }
  }
}
