package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UtcTime_Test {
  private static void same(Instant t) {
    assertEquals(t.toString(), UtcTime.iso(t), "epoch second " + t.getEpochSecond());
  }

  @Test
  void iso_writesWhatInstantWrites_atTheEdges() {
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
  void iso_writesWhatInstantWrites_atRandom() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      same(Instant.ofEpochSecond(r.nextLong(0, 253_402_300_800L), r.nextInt(1_000_000_000)));
    }
  }

  /** What the JDK's HTTP server wrote as the Date header before ours. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private static void sameHttpDate(Instant t) {
    assertEquals(HTTP_DATE.format(t), UtcTime.httpDate(t), "epoch second " + t.getEpochSecond());
  }

  @Test
  void httpDate_writesWhatTheFormatterWrites_atTheEdges() {
    assertEquals(
        "Sun, 06 Nov 1994 08:49:37 GMT", UtcTime.httpDate(Instant.ofEpochSecond(784_111_777)));
    for (long s :
        new long[] {
          0,
          59,
          86_399,
          86_400,
          6 * 86_400,
          7 * 86_400,
          951_782_400L,
          4_107_542_400L,
          253_402_300_799L,
          -1,
          -86_401,
          253_402_300_800L
        }) {
      sameHttpDate(Instant.ofEpochSecond(s, 999_999_999));
    }
  }

  @Test
  void httpDate_writesWhatTheFormatterWrites_atRandom() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      sameHttpDate(
          Instant.ofEpochSecond(r.nextLong(0, 253_402_300_800L), r.nextInt(1_000_000_000)));
    }
  }
}
