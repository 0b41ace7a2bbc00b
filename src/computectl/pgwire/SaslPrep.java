package computectl.pgwire;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013) of a SCRAM password, the way PostgreSQL applies it: pure ASCII passes
 * unchanged; otherwise map non-ASCII spaces to a space, drop the "mapped to nothing" characters,
 * NFKC-normalize, and if a prohibited or unassigned character or a bidi violation remains, use the
 * password as given (the server does the same, so both sides still agree).
 */
final class SaslPrep {
  private SaslPrep() {}

  static String prepareOrRaw(String password) {
    if (password.chars().allMatch(c -> c < 0x80)) {
      return password;
    }
    StringBuilder mapped = new StringBuilder(password.length());
    for (int i = 0; i < password.length(); ) {
      int cp = password.codePointAt(i);
      i += Character.charCount(cp);
      if (isNonAsciiSpace(cp)) {
        mapped.append(' ');
      } else if (!isMappedToNothing(cp)) {
        mapped.appendCodePoint(cp);
      }
    }
    String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    return isAcceptable(normalized) ? normalized : password;
  }

  private static boolean isAcceptable(String s) {
    boolean randAl = false;
    boolean leftToRight = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isProhibited(cp)) {
        return false;
      }
      byte dir = Character.getDirectionality(cp);
      randAl |=
          dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT
              || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
      leftToRight |= dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
    }
    if (!randAl) {
      return true;
    }
    return !leftToRight && isRandAl(s.codePointAt(0)) && isRandAl(s.codePointBefore(s.length()));
  }

  private static boolean isRandAl(int cp) {
    byte dir = Character.getDirectionality(cp);
    return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT
        || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
  }

  private static boolean isNonAsciiSpace(int cp) {
    return cp == 0x00A0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200B)
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  private static boolean isMappedToNothing(int cp) {
    return cp == 0x00AD
        || cp == 0x034F
        || cp == 0x1806
        || (cp >= 0x180B && cp <= 0x180D)
        || (cp >= 0x200B && cp <= 0x200D)
        || cp == 0x2060
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFEFF;
  }

  private static boolean isProhibited(int cp) {
    int type = Character.getType(cp);
    if (type == Character.CONTROL
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED) {
      return true;
    }
    boolean nonCharacter = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    boolean inappropriate = (cp >= 0xFFF9 && cp <= 0xFFFD) || (cp >= 0x2FF0 && cp <= 0x2FFB);
    boolean displayChange =
        cp == 0x0340
            || cp == 0x0341
            || cp == 0x200E
            || cp == 0x200F
            || (cp >= 0x202A && cp <= 0x202E)
            || (cp >= 0x206A && cp <= 0x206F);
    boolean tagging = cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
    boolean nonAsciiControl =
        cp == 0x06DD
            || cp == 0x070F
            || cp == 0x180E
            || cp == 0x200C
            || cp == 0x200D
            || cp == 0x2028
            || cp == 0x2029
            || (cp >= 0x2060 && cp <= 0x2063)
            || cp == 0xFEFF
            || (cp >= 0x1D173 && cp <= 0x1D17A);
    return nonCharacter || inappropriate || displayChange || tagging || nonAsciiControl;
  }
}
