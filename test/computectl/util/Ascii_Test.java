package computectl.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Ascii_Test {
  @Test
  void isDigits_oneToMaxAsciiDigitsOnly() {
    assertTrue(Ascii.isDigits("0", 5));
    assertTrue(Ascii.isDigits("65535", 5));
    assertFalse(Ascii.isDigits("", 5));
    assertFalse(Ascii.isDigits("123456", 5));
    assertFalse(Ascii.isDigits("-1", 5));
    assertFalse(Ascii.isDigits("+1", 5));
    assertFalse(Ascii.isDigits(" 1", 5));
    assertFalse(Ascii.isDigits("1a", 5));
    assertFalse(Ascii.isDigits("١٢", 5)); // Arabic-Indic digits are not ASCII
  }
}
