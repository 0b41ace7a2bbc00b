package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvNumbers_Test {
  @Test
  void unset_givesTheDefault_setGivesTheValue() {
    assertEquals(7, EnvNumbers.positive(Map.of(), "X", 7));
    assertEquals(12, EnvNumbers.positive(Map.of("X", " 12\n"), "X", 7));
    assertEquals(Duration.ofMinutes(5), EnvNumbers.seconds(Map.of(), "T", Duration.ofMinutes(5)));
    assertEquals(
        Duration.ofSeconds(3), EnvNumbers.seconds(Map.of("T", "3"), "T", Duration.ofMinutes(5)));
  }

  @Test
  void anythingButAPositiveWholeNumber_isAnErrorNamingTheVariable() {
    for (String bad : new String[] {"0", "-1", "", "2s", "1e3", "0x10", "99999999999999999999"}) {
      ComputeCtlException e =
          assertThrows(
              ComputeCtlException.class,
              () ->
                  EnvNumbers.seconds(
                      Map.of("COMPUTE_CTL_T_SECONDS", bad),
                      "COMPUTE_CTL_T_SECONDS",
                      Duration.ZERO));
      assertEquals(
          "COMPUTE_CTL_T_SECONDS must be a positive whole number, got '" + bad + "'",
          e.getMessage());
    }
  }
}
