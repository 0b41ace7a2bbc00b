package computectl.spec;

import java.util.Locale;

/** A WAL position, written {@code <hi>/<lo>} in upper-case hex without leading zeros. */
public record Lsn(long value) implements Comparable<Lsn> {
  public static final Lsn ZERO = new Lsn(0);

  /** Parses {@code X/Y} (whitespace trimmed, either case). */
  public static Lsn parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    if (slash < 0 || !isHalf(s.substring(0, slash)) || !isHalf(s.substring(slash + 1))) {
      throw new IllegalArgumentException("invalid LSN '" + text + "'");
    }
    long hi = Long.parseLong(s.substring(0, slash), 16);
    long lo = Long.parseLong(s.substring(slash + 1), 16);
    return new Lsn((hi << 32) | lo);
  }

  /** One half of an LSN: 1 to 8 ASCII hex digits (Long.parseLong alone would also take signs). */
  private static boolean isHalf(String s) {
    if (s.isEmpty() || s.length() > 8) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT)
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }

  @Override
  public int compareTo(Lsn o) {
    return Long.compareUnsigned(value, o.value);
  }
}
