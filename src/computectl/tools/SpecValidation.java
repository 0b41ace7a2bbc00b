package computectl.tools;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.spec.ComputeSpec;
import computectl.spec.SpecException;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link SpecValidator} (behaviour.md 3.4) until it passes, turning each of its errors into a
 * problem at the JSON path the error carries, then filling that field with a valid placeholder so
 * the next check can run.
 */
final class SpecValidation {
  private static final String ZERO_ID = "00000000000000000000000000000000";
  private static final Pattern SETTING_VALUE =
      Pattern.compile("cluster\\.settings\\[(\\d+)\\]\\.value");

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
        if (e.path() == null || !tree.isObject() || !repair(tree.asObject(), e.path())) {
          problems.add(new SpecProblems.Problem(SpecProblems.Severity.ERROR, ".", e.getMessage()));
          return current;
        }
        problems.add(
            new SpecProblems.Problem(SpecProblems.Severity.ERROR, e.path(), e.getMessage()));
        current = SpecParser.parseSpec(tree.toString());
      }
    }
    return current;
  }

  /**
   * Puts a valid placeholder at {@code path}; false when the path is not one the validator uses.
   */
  private static boolean repair(JsonObject spec, String path) {
    switch (path) {
      case "pageserver_connstring" -> spec.set(path, "host=placeholder");
      case "safekeeper_connstrings" -> spec.set(path, new JsonArray().add("placeholder:5454"));
      case "tenant_id", "timeline_id" -> spec.set(path, ZERO_ID);
      default -> {
        Matcher m = SETTING_VALUE.matcher(path);
        if (!m.matches()) {
          return false;
        }
        // Only ids are checked in the settings; the first entry of that name is the one used.
        spec.get("cluster")
            .asObject()
            .get("settings")
            .asArray()
            .get(Integer.parseInt(m.group(1)))
            .asObject()
            .set("value", ZERO_ID);
      }
    }
    return true;
  }
}
