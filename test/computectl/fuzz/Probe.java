package computectl.fuzz;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs the steps of one fuzz case and checks the property on each: a step either succeeds or throws
 * one of the target's error types with a non-blank message of bounded length. Anything else becomes
 * a {@link FuzzViolation}. Counts outcomes per step for the report.
 */
public final class Probe {
  /**
   * Longer rejection messages are a finding too: an error has to stay readable whatever the input.
   */
  public static final int MAX_MESSAGE_CHARS = 8192;

  /** A step that may throw anything. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws Exception;
  }

  /** A step without a result. */
  @FunctionalInterface
  public interface VoidStep {
    void run() throws Exception;
  }

  private final Predicate<Throwable> ours;
  private final Map<String, long[]> counts = new TreeMap<>();

  Probe(Predicate<Throwable> ours) {
    this.ours = ours;
  }

  /** The step's result, or empty when it was rejected properly. */
  public <T> Optional<T> attempt(String label, Step<T> step) {
    try {
      T value = step.run();
      count(label, 0);
      return Optional.ofNullable(value);
    } catch (FuzzViolation v) {
      throw v;
    } catch (Throwable t) {
      requireProperRejection(label, t);
      count(label, 1);
      return Optional.empty();
    }
  }

  /** True when the step succeeded, false when it was rejected properly. */
  public boolean attempt(String label, VoidStep step) {
    return attempt(
            label,
            () -> {
              step.run();
              return Boolean.TRUE;
            })
        .isPresent();
  }

  /** Fails the case unless {@code t} is one of ours with a usable message. */
  public void requireProperRejection(String label, Throwable t) {
    if (t instanceof Error || t instanceof InterruptedException) {
      throw new FuzzViolation(label + ": " + t.getClass().getName() + " escaped", t);
    }
    if (!ours.test(t)) {
      throw new FuzzViolation(
          label
              + ": "
              + t.getClass().getName()
              + " is not one of our error types: "
              + t.getMessage(),
          t);
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      throw new FuzzViolation(
          label + ": " + t.getClass().getSimpleName() + " rejected the input without a message", t);
    }
    if (m.length() > MAX_MESSAGE_CHARS) {
      throw new FuzzViolation(
          label
              + ": rejection message of "
              + m.length()
              + " characters (limit "
              + MAX_MESSAGE_CHARS
              + "): "
              + m.substring(0, 200)
              + "...",
          t);
    }
  }

  /** Counts an outcome the target classified itself (an HTTP status, say). */
  public void record(String label, boolean accepted) {
    count(label, accepted ? 0 : 1);
  }

  /** Fails the case with this text (an invariant of the target did not hold). */
  public void fail(String what) {
    throw new FuzzViolation(what, null);
  }

  private void count(String label, int index) {
    counts.computeIfAbsent(label, k -> new long[2])[index]++;
  }

  Map<String, long[]> counts() {
    return counts;
  }
}
