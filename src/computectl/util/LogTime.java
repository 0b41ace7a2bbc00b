package computectl.util;

import java.time.Instant;

/**
 * A log line's time, exactly as {@link Instant#toString} writes it (ISO-8601 in UTC, the fraction
 * in groups of three digits, none when zero), without java.time's formatter: its first use cost the
 * first log line of every process about 5 ms, on the boot's critical path.
 */
final class LogTime {
  private static final long SECONDS_PER_DAY = 86_400;

  /** Up to the year 9999 (beyond that Instant writes a sign and more digits). */
  private static final long LAST_SECOND = 253_402_300_799L;

  private LogTime() {}

  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > LAST_SECOND) {
      return t.toString();
    }
    StringBuilder sb = new StringBuilder(30);
    date(sb, Math.floorDiv(seconds, SECONDS_PER_DAY));
    long s = Math.floorMod(seconds, SECONDS_PER_DAY);
    sb.append('T');
    two(sb, s / 3600).append(':');
    two(sb, s / 60 % 60).append(':');
    two(sb, s % 60);
    fraction(sb, t.getNano());
    return sb.append('Z').toString();
  }

  /** The proleptic Gregorian date of a day since 1970-01-01 (days from civil, inverted). */
  private static void date(StringBuilder sb, long days) {
    long z = days + 719_468; // days since 0000-03-01
    long era = z / 146_097;
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153; // month from March = 0
    long day = dayOfYear - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    pad(sb, year, 4).append('-');
    two(sb, month).append('-');
    two(sb, day);
  }

  private static void fraction(StringBuilder sb, int nanos) {
    if (nanos == 0) {
      return;
    }
    sb.append('.');
    if (nanos % 1_000_000 == 0) {
      pad(sb, nanos / 1_000_000, 3);
    } else if (nanos % 1000 == 0) {
      pad(sb, nanos / 1000, 6);
    } else {
      pad(sb, nanos, 9);
    }
  }

  private static StringBuilder two(StringBuilder sb, long v) {
    return pad(sb, v, 2);
  }

  private static StringBuilder pad(StringBuilder sb, long v, int width) {
    String digits = Long.toString(v);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }
}
