package computectl.spec;

/** A WAL position, written {@code <hi>/<lo>} in upper-case hex without leading zeros. */
public record Lsn(long value) implements Comparable<Lsn> {
  public static final Lsn ZERO = new Lsn(0);

  /** Parses {@code X/Y} (whitespace trimmed, either case). */
  public static Lsn parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    if (slash <= 0 || slash == s.length() - 1 || slash > 8 || s.length() - slash - 1 > 8) {
      throw new IllegalArgumentException("invalid LSN '" + text + "'");
    }
    try {
      long hi = Long.parseLong(s.substring(0, slash), 16);
      long lo = Long.parseLong(s.substring(slash + 1), 16);
      return new Lsn((hi << 32) | lo);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid LSN '" + text + "'", e);
    }
  }

  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }

  @Override
  public int compareTo(Lsn o) {
    return Long.compareUnsigned(value, o.value);
  }
}
