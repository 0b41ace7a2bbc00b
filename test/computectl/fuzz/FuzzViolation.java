package computectl.fuzz;

/** The property did not hold for a case: what escaped or which invariant broke. */
public final class FuzzViolation extends AssertionError {
  private static final long serialVersionUID = 1L;

  public FuzzViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
