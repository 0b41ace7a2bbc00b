package computectl.testsupport;

import java.nio.file.Path;

/**
 * Which tests a run holds. {@code make test} runs them all; {@code make unit} runs only those not
 * tagged {@value #END_TO_END} and sets {@code computectl.test.scope=unit}, in which the test
 * support refuses to start what only end-to-end tests may use (a PostgreSQL, the built image, a
 * compute_ctl process). An untagged test that needs one of them thus fails in {@code make unit}
 * with a message saying how to tag it, instead of quietly making the fast set slow.
 */
public final class TestScope {
  /** The JUnit tag of tests that need PostgreSQL, the built image or a compute_ctl process. */
  public static final String END_TO_END = "e2e";

  private TestScope() {}

  /** Whether this run is {@code make unit}'s. */
  public static boolean unitOnly() {
    return "unit".equals(System.getProperty("computectl.test.scope"));
  }

  /** Fails when the run is {@code make unit}'s: {@code what} belongs to end-to-end tests. */
  public static void requireEndToEnd(String what) {
    if (unitOnly()) {
      throw new IllegalStateException(
          "a test started "
              + what
              + " in make unit: annotate its class (or method) with @Tag(\""
              + END_TO_END
              + "\")");
    }
  }

  /** The built runtime image ({@code -Dcomputectl.image}, else {@code build/image}). */
  public static Path image() {
    requireEndToEnd("the built image");
    return Path.of(System.getProperty("computectl.image", "build/image")).toAbsolutePath();
  }
}
