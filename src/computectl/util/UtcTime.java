package computectl.util;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The two texts of a UTC time that every process writes early: ISO-8601 (a log line's time, the
 * times in {@code /status}) and an HTTP {@code Date} header. Written here rather than by
 * java.time's formatter, whose first use loads locale data and cost the first log line about 5 ms
 * and the first HTTP answer about 20 ms of CPU, on the boot's critical path (make bench, boot).
 */
public final class UtcTime {
  private static final long SECONDS_PER_DAY = 86_400;

  /** Up to the year 9999 (beyond that Instant writes a sign and more digits). */
  private static final long LAST_SECOND = 253_402_300_799L;

  private static final String[] WEEKDAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private UtcTime() {}

  /**
   * {@code t} exactly as {@link Instant#toString} writes it: ISO-8601 in UTC, the fraction in
   * groups of three digits, none when zero.
   */
  public static String iso(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > LAST_SECOND) {
      return t.toString();
    }
    StringBuilder sb = new StringBuilder(30);
    long date = civilDate(Math.floorDiv(seconds, SECONDS_PER_DAY));
    pad(sb, date / 10_000, 4).append('-');
    two(sb, date / 100 % 100).append('-');
    two(sb, date % 100).append('T');
    time(sb, seconds);
    fraction(sb, t.getNano());
    return sb.append('Z').toString();
  }

  /**
   * {@code t} as an HTTP {@code Date} header (RFC 9110's IMF-fixdate, e.g. {@code Sun, 06 Nov 1994
   * 08:49:37 GMT}), to the second, as the JDK's HTTP server writes it.
   */
  public static String httpDate(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > LAST_SECOND) {
      return OutOfRange.HTTP_DATE.format(t);
    }
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    long date = civilDate(days);
    StringBuilder sb = new StringBuilder(29);
    sb.append(WEEKDAYS[(int) (days % 7)]).append(", ");
    two(sb, date % 100).append(' ');
    sb.append(MONTHS[(int) (date / 100 % 100) - 1]).append(' ');
    pad(sb, date / 10_000, 4).append(' ');
    time(sb, seconds);
    return sb.append(" GMT").toString();
  }

  /** Years before 1970 and after 9999, which no clock here shows: java.time's formatter. */
  private static final class OutOfRange {
    static final DateTimeFormatter HTTP_DATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
  }

  /**
   * The proleptic Gregorian date of a day since 1970-01-01 (days from civil, inverted), as {@code
   * year * 10000 + month * 100 + day}.
   */
  private static long civilDate(long days) {
    long z = days + 719_468; // days since 0000-03-01
    long era = z / 146_097;
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153; // month from March = 0
    long day = dayOfYear - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return year * 10_000 + month * 100 + day;
  }

  /** {@code HH:mm:ss} of the epoch second's day. */
  private static void time(StringBuilder sb, long epochSecond) {
    long s = Math.floorMod(epochSecond, SECONDS_PER_DAY);
    two(sb, s / 3600).append(':');
    two(sb, s / 60 % 60).append(':');
    two(sb, s % 60);
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
