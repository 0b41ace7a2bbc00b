package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ComputeCtlException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpLimits_Test {
  @Test
  void defaults_withoutVariables() {
    assertEquals(HttpLimits.DEFAULT, HttpLimits.fromEnv(Map.of()));
    assertEquals(new HttpLimits(1000, 30, 389_120), HttpLimits.DEFAULT);
  }

  @Test
  void variablesOverrideTheDefaults() {
    HttpLimits l =
        HttpLimits.fromEnv(
            Map.of(HttpLimits.MAX_CONNECTIONS_ENV, " 50 ", HttpLimits.REQUEST_TIMEOUT_ENV, "3"));
    assertEquals(50, l.maxConnections());
    assertEquals(3, l.requestTimeoutSeconds());
    assertEquals(HttpLimits.DEFAULT.maxHeaderBytes(), l.maxHeaderBytes());
  }

  @Test
  void badValues_nameTheirVariable() {
    for (String bad : new String[] {"0", "-4", "ten", "", "1.5", "99999999999999999999"}) {
      ComputeCtlException e =
          assertThrows(
              ComputeCtlException.class,
              () -> HttpLimits.fromEnv(Map.of(HttpLimits.REQUEST_TIMEOUT_ENV, bad)));
      assertEquals(
          "COMPUTE_CTL_HTTP_REQUEST_TIMEOUT_SECONDS must be a positive whole number, got '"
              + bad
              + "'",
          e.getMessage());
    }
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> HttpLimits.fromEnv(Map.of(HttpLimits.MAX_CONNECTIONS_ENV, "many")));
    assertEquals(
        "COMPUTE_CTL_HTTP_MAX_CONNECTIONS must be a positive whole number, got 'many'",
        e.getMessage());
  }
}
