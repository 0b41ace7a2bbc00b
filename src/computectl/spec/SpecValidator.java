package computectl.spec;

import java.util.Arrays;
import java.util.List;

/**
 * Upstream's "parsed spec" checks (behaviour.md 3.4), in upstream's order and with its exact
 * messages: they are what {@code /configure} answers with status 400.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /**
   * Resolves the storage coordinates from the top-level fields or their {@code cluster.settings}
   * fallbacks.
   *
   * @throws SpecException of kind VALIDATION naming the first missing or invalid coordinate
   */
  public static ParsedSpec validate(ComputeSpec spec) {
    String pageserver =
        spec.pageserverConnstring() != null
            ? spec.pageserverConnstring()
            : spec.setting("neon.pageserver_connstring")
                .orElseThrow(() -> invalid("pageserver connstr should be provided"));
    List<String> safekeepers = safekeepers(spec);
    String tenantId = id(spec.tenantId(), spec, "neon.tenant_id", "tenant id");
    String timelineId = id(spec.timelineId(), spec, "neon.timeline_id", "timeline id");
    return new ParsedSpec(spec, pageserver, safekeepers, tenantId, timelineId);
  }

  private static List<String> safekeepers(ComputeSpec spec) {
    if (!spec.safekeeperConnstrings().isEmpty()) {
      return spec.safekeeperConnstrings();
    }
    if (!spec.mode().isPrimary()) {
      return List.of();
    }
    String setting =
        spec.setting("neon.safekeepers")
            .orElseThrow(() -> invalid("safekeeper connstrings should be provided"));
    // Upstream splits without trimming and keeps empty pieces; -1 keeps trailing ones too.
    return Arrays.asList(setting.split(",", -1));
  }

  /** A top-level id was checked when parsed; the settings fallback is checked here. */
  private static String id(String topLevel, ComputeSpec spec, String setting, String what) {
    if (topLevel != null) {
      return topLevel;
    }
    String text = spec.setting(setting).orElseThrow(() -> invalid(what + " should be provided"));
    String id = HexId.normalize(text);
    if (id == null) {
      throw invalid("invalid " + what);
    }
    return id;
  }

  private static SpecException invalid(String message) {
    return new SpecException(SpecException.Kind.VALIDATION, message);
  }
}
