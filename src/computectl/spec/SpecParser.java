package computectl.spec;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import computectl.util.JsonDepth;
import java.util.function.Function;

/**
 * Parses the JSON documents that carry a spec. Unknown members are ignored and {@code Option}
 * members may be null, as upstream; everything else wrong is a {@link SpecException}: SYNTAX for
 * malformed JSON ({@code ... at line L column C}), SHAPE for the wrong shape ({@code <json path>:
 * <problem>}, the root path being {@code .}). Validation (behaviour.md 3.4) is {@link
 * SpecValidator}'s job.
 */
public final class SpecParser {
  /**
   * Deeper nesting is refused before parsing, as upstream's JSON library does (and no stack
   * overflow).
   */
  static final int MAX_DEPTH = 128;

  private SpecParser() {}

  /** A bare ComputeSpec (what {@code -s}, {@code -S} and the control plane's {@code spec} hold). */
  public static ComputeSpec parseSpec(String json) {
    return parse(json, ComputeSpecReader::computeSpec);
  }

  /** The control plane's answer: {@code {"spec", "status", "compute_ctl_config"}}. */
  public static ControlPlaneSpecResponse parseControlPlaneResponse(String json) {
    return parse(json, ConfigReader::controlPlaneResponse);
  }

  /** The {@code /configure} body: {@code {"spec", "compute_ctl_config"}}, both required. */
  public static ConfigurationRequest parseConfigurationRequest(String json) {
    return parse(json, ConfigReader::configurationRequest);
  }

  private static <T> T parse(String json, Function<JsonNode, T> reader) {
    return reader.apply(JsonNode.root(parseJson(json)));
  }

  /** Well-formed JSON or a SYNTAX error with line and column. */
  static JsonValue parseJson(String text) {
    checkDepth(text);
    try {
      return Json.parse(text);
    } catch (ParseException e) {
      throw syntax(describe(e), e.getLocation().line, e.getLocation().column, e);
    } catch (RuntimeException e) {
      // minimal-json reports everything as ParseException; anything else is still a syntax fault.
      throw new SpecException(SpecException.Kind.SYNTAX, "malformed JSON: " + e, e);
    }
  }

  /** minimal-json's message without its own {@code " at L:C"} suffix, starting lower case. */
  private static String describe(ParseException e) {
    String m = e.getMessage() == null ? "malformed JSON" : e.getMessage();
    int at = m.lastIndexOf(" at ");
    if (at > 0) {
      m = m.substring(0, at);
    }
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  private static SpecException syntax(String what, int line, int column, Throwable cause) {
    return new SpecException(
        SpecException.Kind.SYNTAX, what + " at line " + line + " column " + column, cause);
  }

  private static void checkDepth(String text) {
    // A document may nest MAX_DEPTH - 1 levels: the MAX_DEPTH-th opening bracket is refused.
    JsonDepth.Position p = JsonDepth.tooDeep(text, MAX_DEPTH - 1);
    if (p != null) {
      throw syntax("recursion limit exceeded", p.line(), p.column(), null);
    }
  }
}
