package computectl.util;

/** Checks of ASCII text that parsers run before they convert it. */
public final class Ascii {
  private Ascii() {}

  /**
   * One to {@code maxLength} ASCII digits, nothing else (no sign, no white space): what may go to
   * {@code Integer.parseInt} or {@code Long.parseLong} and fit.
   */
  public static boolean isDigits(String s, int maxLength) {
    if (s.isEmpty() || s.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
