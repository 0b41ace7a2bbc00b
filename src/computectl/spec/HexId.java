package computectl.spec;

/** Tenant and timeline ids: exactly 32 hex digits, either case on input, lower case as stored. */
final class HexId {
  static final int LENGTH = 32;

  private HexId() {}

  /** The id in lower case, or null when {@code text} is not exactly 32 ASCII hex digits. */
  static String normalize(String text) {
    if (text.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return null;
      }
    }
    return text.toLowerCase(java.util.Locale.ROOT);
  }
}
