package computectl.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.ComputeCtlException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The fuzz harness itself: reproducible seeds, and each kind of finding is caught and reported. */
class Fuzzer_Test {
  /**
   * A toy target: accepts inputs that match {@code trigger} (or misbehaves on them, as its kind
   * says).
   */
  private static final class Toy implements FuzzTarget {
    private final Predicate<byte[]> trigger;
    private final String kind;

    Toy(String kind, Predicate<byte[]> trigger) {
      this.kind = kind;
      this.trigger = trigger;
    }

    @Override
    public String name() {
      return "toy-" + kind;
    }

    @Override
    public List<byte[]> corpus() {
      return List.of(
          "hello fuzzer".getBytes(StandardCharsets.UTF_8),
          "0123456789".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Duration deadline() {
      return Duration.ofMillis(300);
    }

    @Override
    public void run(byte[] input, Probe probe) {
      probe.attempt(
          "parse",
          () -> {
            if (!trigger.test(input)) {
              throw new ComputeCtlException("rejected: " + input.length + " bytes");
            }
            switch (kind) {
              case "escape" -> throw new IllegalStateException("not one of ours");
              case "silent" -> throw new ComputeCtlException(" ");
              case "hang" -> Thread.sleep(60_000);
              default -> {}
            }
          });
    }
  }

  private static boolean hasZ(byte[] b) {
    for (byte x : b) {
      if (x == 'Z') {
        return true;
      }
    }
    return false;
  }

  @Test
  void input_isTheSameForTheSameSeedOnly() {
    Toy t = new Toy("ok", b -> true);
    assertArrayEquals(Fuzzer.input(t, 42), Fuzzer.input(t, 42));
    long differing =
        java.util.stream.LongStream.range(0, 50)
            .filter(i -> !Arrays.equals(Fuzzer.input(t, i), Fuzzer.input(t, i + 1000)))
            .count();
    assertTrue(differing > 40, "seeds give different inputs");
    assertEquals(Fuzzer.caseSeed(7, 3), Fuzzer.caseSeed(7, 3));
    assertTrue(
        Fuzzer.caseSeed(7, 3) != Fuzzer.caseSeed(7, 4)
            && Fuzzer.caseSeed(7, 3) != Fuzzer.caseSeed(8, 3));
  }

  @Test
  void run_cleanTargetHasNoFindingsAndCountsBothOutcomes() {
    Fuzzer.Report r = Fuzzer.run(new Toy("ok", b -> b.length % 2 == 0), 1, 2000);
    assertEquals(List.of(), r.findings());
    assertEquals(2000, r.accepted("parse") + r.rejected("parse"));
    assertTrue(r.accepted("parse") > 0 && r.rejected("parse") > 0, r.summary());
  }

  @Test
  void run_escapedExceptionIsAFindingWhoseSeedReplaysAndWhoseInputIsSaved() throws Exception {
    Toy t = new Toy("escape", Fuzzer_Test::hasZ);
    Fuzzer.Report r = Fuzzer.run(t, 5, 3000);
    assertFalse(r.findings().isEmpty(), "a 'Z' shows up in 3000 cases");
    Fuzzer.Finding f = r.findings().get(0);
    assertTrue(
        f.problem().contains("IllegalStateException is not one of our error types"), f.problem());
    assertArrayEquals(
        f.input(), Fuzzer.input(t, f.seed()), "the printed seed gives the same input");
    assertTrue(hasZ(f.input()));
    assertArrayEquals(f.input(), Files.readAllBytes(f.saved()));
    assertTrue(Fuzzer.replay(t, f.input()) != null);
    assertNull(Fuzzer.replay(t, "no zed here".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void run_rejectionWithoutAMessageIsAFinding() {
    Fuzzer.Report r = Fuzzer.run(new Toy("silent", Fuzzer_Test::hasZ), 5, 3000);
    assertFalse(r.findings().isEmpty());
    assertTrue(
        r.findings().get(0).problem().contains("without a message"), r.findings().get(0).problem());
  }

  @Test
  void run_caseOutlivingItsDeadlineIsAHangAndEndsTheRun() {
    Fuzzer.Report r = Fuzzer.run(new Toy("hang", Fuzzer_Test::hasZ), 5, 3000);
    // Hundreds of the 3000 cases hang: one finding (not MAX_FINDINGS) shows the run ended at the
    // first, and its text that the case was given up on at its deadline, not waited for.
    assertTrue(Fuzzer.MAX_FINDINGS > 1);
    assertEquals(1, r.findings().size());
    assertTrue(
        r.findings().get(0).problem().startsWith("hang: no result within 300 ms"),
        r.findings().get(0).problem());
  }
}
