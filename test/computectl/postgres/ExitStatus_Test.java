package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatus_Test {
  @Test
  void of_plainCodes() {
    assertTrue(ExitStatus.of(0).success());
    assertEquals("exit status: 0", ExitStatus.of(0).toString());
    assertEquals("exit status: 3", ExitStatus.of(3).toString());
    assertEquals(128, ExitStatus.of(128).codeOrMinusOne());
  }

  @Test
  void of_signalDeaths() {
    ExitStatus killed = ExitStatus.of(128 + 9);
    assertNull(killed.code());
    assertFalse(killed.success());
    assertEquals(-1, killed.codeOrMinusOne());
    assertEquals("signal: 9 (SIGKILL)", killed.toString());
    assertEquals("signal: 15 (SIGTERM)", ExitStatus.of(143).toString());
    assertEquals("signal: 40", ExitStatus.of(168).toString());
  }
}
