package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class Failpoints_Test {
  final List<Integer> exits = new CopyOnWriteArrayList<>();
  final Failpoints fp = new Failpoints(exits::add);

  @Test
  void eval_unconfiguredDoesNothing() {
    assertEquals(Optional.empty(), fp.eval("compute-migration"));
  }

  @Test
  void eval_returnGivesItsValue() {
    fp.configure("compute-migration", "return(7)");
    assertEquals(Optional.of("7"), fp.eval("compute-migration"));
    fp.configure("plain", "return");
    assertEquals(Optional.of(""), fp.eval("plain"));
  }

  @Test
  void eval_countLimitsHitsAndChainsFallThrough() {
    fp.configure("p", "2*return(a)->return(b)");
    assertEquals(Optional.of("a"), fp.eval("p"));
    assertEquals(Optional.of("a"), fp.eval("p"));
    assertEquals(Optional.of("b"), fp.eval("p"));
  }

  @Test
  void eval_zeroPercentNeverFires() {
    fp.configure("p", "0%return(a)");
    for (int i = 0; i < 20; i++) {
      assertEquals(Optional.empty(), fp.eval("p"));
    }
  }

  @Test
  void eval_offClears() {
    fp.configure("p", "return(a)");
    fp.configure("p", "off");
    assertEquals(Optional.empty(), fp.eval("p"));
  }

  @Test
  void eval_panicThrowsAndExitExits() {
    fp.configure("p", "panic(boom)");
    assertEquals(
        "boom", assertThrows(Failpoints.FailpointPanic.class, () -> fp.eval("p")).getMessage());
    fp.configure("e", "exit");
    fp.eval("e");
    assertEquals(List.of(1), exits);
  }

  @Test
  void eval_sleepWaits() {
    fp.configure("p", "sleep(50)");
    long t = System.nanoTime();
    assertEquals(Optional.empty(), fp.eval("p"));
    assertTrue(System.nanoTime() - t >= 45_000_000L);
  }

  @Test
  void configure_badActionsGiveTheFailCratesText() {
    assertEquals(
        "unrecognized command \"explode\"",
        assertThrows(IllegalArgumentException.class, () -> fp.configure("p", "explode"))
            .getMessage());
    assertEquals(
        "parentheses do not match",
        assertThrows(IllegalArgumentException.class, () -> fp.configure("p", "return(1"))
            .getMessage());
    assertEquals(
        "sleep require timeout",
        assertThrows(IllegalArgumentException.class, () -> fp.configure("p", "sleep"))
            .getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> fp.configure("p", "x%return"))
            .getMessage()
            .startsWith("failed to parse frequency"));
  }

  @Test
  void configureAll_readsTheEnvironmentForm() {
    fp.configureAll("a=return(1);b=return(2)");
    assertEquals(Optional.of("1"), fp.eval("a"));
    assertEquals(Optional.of("2"), fp.eval("b"));
    assertThrows(IllegalArgumentException.class, () -> fp.configureAll("noequals"));
  }
}
