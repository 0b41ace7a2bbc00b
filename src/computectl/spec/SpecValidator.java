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
                .orElseThrow(
                    () ->
                        invalid("pageserver_connstring", "pageserver connstr should be provided"));
    List<String> safekeepers = safekeepers(spec);
    String tenantId = id(spec.tenantId(), spec, "tenant_id", "neon.tenant_id", "tenant id");
    String timelineId =
        id(spec.timelineId(), spec, "timeline_id", "neon.timeline_id", "timeline id");
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
            .orElseThrow(
                () ->
                    invalid("safekeeper_connstrings", "safekeeper connstrings should be provided"));
    // Upstream splits without trimming and keeps empty pieces; -1 keeps trailing ones too.
    return Arrays.asList(setting.split(",", -1));
  }

  /**
   * A top-level id was checked when parsed; the settings fallback is checked here.
   *
   * @param field the top-level field
   */
  private static String id(
      String topLevel, ComputeSpec spec, String field, String setting, String what) {
    if (topLevel != null) {
      return topLevel;
    }
    String text =
        spec.setting(setting).orElseThrow(() -> invalid(field, what + " should be provided"));
    String id = HexId.normalize(text);
    if (id == null) {
      throw invalid(settingPath(spec, setting), "invalid " + what);
    }
    return id;
  }

  /** The JSON path of the value {@link ComputeSpec#setting} found. */
  private static String settingPath(ComputeSpec spec, String setting) {
    List<GenericOption> settings = spec.cluster().settings();
    for (int i = 0; i < settings.size(); i++) {
      if (settings.get(i).name().equals(setting)) {
        return "cluster.settings[" + i + "].value";
      }
    }
    throw new IllegalStateException(setting + " was found, then not");
  }

  private static SpecException invalid(String path, String message) {
    return new SpecException(SpecException.Kind.VALIDATION, path, message, null);
  }
}
