package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class JsonDepth_Test {
  @Test
  void tooDeep_findsTheFirstBracketPastTheLimit() {
    assertNull(JsonDepth.tooDeep("[".repeat(128) + "]".repeat(128), 128));
    assertEquals(new JsonDepth.Position(1, 129), JsonDepth.tooDeep("[".repeat(129), 128));
    assertEquals(new JsonDepth.Position(2, 2), JsonDepth.tooDeep("{\"a\":\n[{", 2));
  }

  @Test
  void tooDeep_ignoresBracketsInStrings() {
    assertNull(JsonDepth.tooDeep("{\"k\":\"[[[[[[\\\"[[[[\"}", 1));
    assertNull(JsonDepth.tooDeep("[]".repeat(1000), 1));
  }
}
