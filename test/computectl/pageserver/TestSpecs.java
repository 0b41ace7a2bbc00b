package computectl.pageserver;

import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.ParsedSpec;
import java.util.List;

/** Minimal parsed specs for storage tests: only the storage coordinates and the token are set. */
public final class TestSpecs {
  public static final String TENANT = "0123456789abcdef0123456789abcdef";
  public static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  private TestSpecs() {}

  public static ParsedSpec storage(
      String pageserverConnstr, List<String> safekeepers, ComputeMode mode, String token) {
    ComputeSpec spec =
        new ComputeSpec(
            1.0,
            null,
            List.of(),
            null,
            null,
            null,
            null,
            null,
            false,
            TENANT,
            TIMELINE,
            pageserverConnstr,
            null,
            safekeepers,
            mode,
            token,
            null,
            null,
            null,
            null,
            0,
            false,
            null);
    return new ParsedSpec(spec, pageserverConnstr, safekeepers, TENANT, TIMELINE);
  }
}
