package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VersionRange_Test {
  @Test
  void parse_acceptsTheAgentsMessageWithNewlineAndExtraKeys() {
    assertEquals(new VersionRange(1, 1), VersionRange.parse("{\"min\":1,\"max\":1}\n"));
    assertEquals(new VersionRange(1, 5), VersionRange.parse("{\"max\":5, \"min\":1, \"x\":true}"));
  }

  @Test
  void highestShared_isOneWhenTheRangeContainsIt() {
    assertEquals(OptionalInt.of(1), new VersionRange(1, 5).highestShared(VersionRange.MONITOR));
    assertEquals(OptionalInt.of(1), new VersionRange(0, 1).highestShared(VersionRange.MONITOR));
    assertTrue(new VersionRange(2, 3).highestShared(VersionRange.MONITOR).isEmpty());
    assertTrue(new VersionRange(0, 0).highestShared(VersionRange.MONITOR).isEmpty());
  }

  @Test
  void mismatchMessage_spellsVersionsAsUpstream() {
    assertEquals(
        "Received protocol version range <invalid: zero> which does not overlap with v1.0",
        new VersionRange(0, 0).mismatchMessage());
    assertEquals(
        "Received protocol version range <unknown: 2> to <unknown: 3> which does not overlap with"
            + " v1.0",
        new VersionRange(2, 3).mismatchMessage());
    assertEquals(
        "Received protocol version range <unknown: 255> which does not overlap with v1.0",
        new VersionRange(255, 255).mismatchMessage());
  }

  @Test
  void parse_refusesMinAboveMax() {
    assertEquals(
        "invalid protocol version range: min (1) is greater than max (0)",
        assertThrows(VmMonitorException.class, () -> VersionRange.parse("{\"min\":1,\"max\":0}"))
            .getMessage());
  }

  @Test
  void parse_refusesNumbersOutsideAnUnsignedByte() {
    for (String bad : new String[] {"256", "-1", "1.5", "1e0", "\"1\"", "null"}) {
      String msg =
          assertThrows(
                  VmMonitorException.class,
                  () -> VersionRange.parse("{\"min\":1,\"max\":" + bad + "}"))
              .getMessage();
      assertTrue(msg.contains("\"max\" must be an integer from 0 to 255"), msg);
    }
  }

  @Test
  void parse_refusesOtherShapes() {
    assertTrue(
        assertThrows(VmMonitorException.class, () -> VersionRange.parse("hello"))
            .getMessage()
            .startsWith("protocol version range is not valid JSON"));
    assertTrue(
        assertThrows(VmMonitorException.class, () -> VersionRange.parse("[1,1]"))
            .getMessage()
            .startsWith("protocol version range must be a JSON object"));
    assertEquals(
        "protocol version range has no \"max\"",
        assertThrows(VmMonitorException.class, () -> VersionRange.parse("{\"min\":1}"))
            .getMessage());
  }
}
