package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ComputeCtlException;
import computectl.util.Setting;
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
            Map.of(
                Setting.HTTP_MAX_CONNECTIONS.variable(),
                " 50 ",
                Setting.HTTP_REQUEST_TIMEOUT_SECONDS.variable(),
                "3"));
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
              () ->
                  HttpLimits.fromEnv(Map.of(Setting.HTTP_REQUEST_TIMEOUT_SECONDS.variable(), bad)));
      assertEquals(
          "COMPUTE_CTL_HTTP_REQUEST_TIMEOUT_SECONDS must be a positive whole number, got '"
              + bad
              + "'",
          e.getMessage());
    }
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> HttpLimits.fromEnv(Map.of(Setting.HTTP_MAX_CONNECTIONS.variable(), "many")));
    assertEquals(
        "COMPUTE_CTL_HTTP_MAX_CONNECTIONS must be a positive whole number, got 'many'",
        e.getMessage());
  }
}
