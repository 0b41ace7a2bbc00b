package computectl.tools;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import computectl.spec.ComputeSpec;
import computectl.spec.GenericOption;
import computectl.spec.SpecException;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import java.util.List;

/**
 * Runs {@link SpecValidator} (behaviour.md 3.4) until it passes, turning each of its messages into
 * a problem with the JSON path of the field concerned, then filling that field with a valid
 * placeholder so the next check can run. The validator's messages carry no path, so they are mapped
 * here: the top-level field, or the {@code cluster.settings} entry it fell back to.
 */
final class SpecValidation {
  private static final String ZERO_ID = "00000000000000000000000000000000";

  private SpecValidation() {}

  /** Returns the spec after the repairs (for the lints), adding the problems found. */
  static ComputeSpec validateRepairing(
      JsonValue tree, ComputeSpec spec, List<SpecProblems.Problem> problems) {
    ComputeSpec current = spec;
    for (int round = 0; round < 8; round++) {
      try {
        SpecValidator.validate(current);
        return current;
      } catch (SpecException e) {
        String field = fieldOf(e.getMessage());
        if (field == null || !tree.isObject()) {
          problems.add(new SpecProblems.Problem(SpecProblems.Severity.ERROR, ".", e.getMessage()));
          return current;
        }
        problems.add(
            new SpecProblems.Problem(
                SpecProblems.Severity.ERROR,
                pathOf(tree, current, field, e.getMessage()),
                e.getMessage()));
        tree.asObject().set(field, placeholder(field));
        current = SpecParser.parseSpec(tree.toString());
      }
    }
    return current;
  }

  /** The top-level field a validation message is about. */
  private static String fieldOf(String message) {
    if (message.startsWith("pageserver connstr")) {
      return "pageserver_connstring";
    }
    if (message.startsWith("safekeeper connstrings")) {
      return "safekeeper_connstrings";
    }
    if (message.contains("tenant id")) {
      return "tenant_id";
    }
    if (message.contains("timeline id")) {
      return "timeline_id";
    }
    return null;
  }

  /**
   * An invalid value came from a {@code cluster.settings} fallback: point at that entry's value.
   */
  private static String pathOf(JsonValue tree, ComputeSpec spec, String field, String message) {
    if (!message.startsWith("invalid")) {
      return field;
    }
    String setting = field.equals("tenant_id") ? "neon.tenant_id" : "neon.timeline_id";
    List<GenericOption> settings = spec.cluster().settings();
    JsonValue cluster = tree.asObject().get("cluster");
    JsonValue array =
        cluster != null && cluster.isObject() ? cluster.asObject().get("settings") : null;
    if (settings == null || array == null || !array.isArray()) {
      return field;
    }
    for (int i = 0; i < settings.size(); i++) {
      if (settings.get(i).name().equals(setting) && settings.get(i).value() != null) {
        return "cluster.settings[" + i + "].value";
      }
    }
    return field;
  }

  private static JsonValue placeholder(String field) {
    return switch (field) {
      case "pageserver_connstring" -> Json.value("host=placeholder");
      case "safekeeper_connstrings" -> new JsonArray().add("placeholder:5454");
      default -> Json.value(ZERO_ID);
    };
  }
}
