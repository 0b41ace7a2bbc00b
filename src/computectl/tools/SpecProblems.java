package computectl.tools;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import computectl.spec.ComputeSpec;
import computectl.spec.SpecException;
import computectl.spec.SpecParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every problem of a spec document, each with its JSON path. The parser and the validator stop at
 * the first problem, so after each one the document is repaired in memory (the bad value removed,
 * or replaced by a harmless placeholder when the field is required) and checked again. A syntax
 * error cannot be repaired: it is the only problem reported.
 */
final class SpecProblems {
  enum Severity {
    ERROR,
    WARNING
  }

  /** One problem: where ({@code .} for the whole document) and what. */
  record Problem(Severity severity, String path, String message) {
    @Override
    public String toString() {
      return severity.name().toLowerCase(Locale.ROOT) + ": " + path + ": " + message;
    }
  }

  /** The result; {@code spec} is the parsed spec when the document had no errors, else null. */
  record Report(List<Problem> problems, boolean incomplete, ComputeSpec spec) {
    long errors() {
      return problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
    }
  }

  static final int MAX_PROBLEMS = 100;
  private static final Pattern MISSING = Pattern.compile("^missing field `(.*)`$");
  private static final Pattern DUPLICATE = Pattern.compile("^duplicate field `(.*)`$");

  /** Required members and values that satisfy the parser in their place. */
  private static final Map<String, String> PLACEHOLDERS =
      Map.ofEntries(
          Map.entry("format_version", "1"),
          Map.entry("cluster", "{\"roles\":[],\"databases\":[]}"),
          Map.entry("roles", "[]"),
          Map.entry("databases", "[]"),
          Map.entry("role_names", "[]"),
          Map.entry("library_index", "{}"),
          Map.entry("extension_data", "{}"),
          Map.entry("control_data", "{}"),
          Map.entry("name", "\"\""),
          Map.entry("owner", "\"\""),
          Map.entry("vartype", "\"string\""),
          Map.entry("action", "\"\""),
          Map.entry("archive_path", "\"\""),
          Map.entry("id", "\"\""),
          Map.entry("jwks_url", "\"\""),
          Map.entry("provider_name", "\"\""));

  private final List<Problem> problems = new ArrayList<>();

  /** Paths holding placeholders now: the lints must not judge those values. */
  private final Set<String> repaired = new HashSet<>();

  /**
   * Array elements removed so far, in order: later paths are mapped back to the author's indices.
   */
  private final List<Removal> removals = new ArrayList<>();

  private boolean incomplete;

  private record Removal(String arrayPath, int index) {}

  private SpecProblems() {}

  static Report check(String json) {
    SpecProblems p = new SpecProblems();
    ComputeSpec spec = p.run(json);
    return new Report(List.copyOf(p.problems), p.incomplete, p.errorCount() == 0 ? spec : null);
  }

  private long errorCount() {
    return problems.stream().filter(x -> x.severity() == Severity.ERROR).count();
  }

  private ComputeSpec run(String json) {
    try {
      SpecParser.parseSpec(json);
    } catch (SpecException e) {
      if (e.kind() == SpecException.Kind.SYNTAX) {
        problems.add(new Problem(Severity.ERROR, ".", e.getMessage()));
        return null;
      }
    }
    JsonValue tree = Json.parse(json);
    ComputeSpec spec = parseRepairing(tree);
    if (spec == null) {
      return null;
    }
    List<Problem> later = new ArrayList<>();
    spec = SpecValidation.validateRepairing(tree, spec, later);
    later.addAll(SpecLints.of(spec, repaired));
    for (Problem p : later) {
      problems.add(new Problem(p.severity(), originalPath(p.path()), p.message()));
    }
    return spec;
  }

  /**
   * Parses until the document parses, recording and repairing each shape error; null when stuck.
   */
  private ComputeSpec parseRepairing(JsonValue tree) {
    String last = null;
    while (problems.size() < MAX_PROBLEMS) {
      try {
        return SpecParser.parseSpec(tree.toString());
      } catch (SpecException e) {
        String message = e.getMessage();
        if (message.equals(last)) {
          incomplete = true;
          return null;
        }
        last = message;
        if (!recordAndRepair(tree, message)) {
          incomplete = true;
          return null;
        }
      }
    }
    incomplete = true;
    return null;
  }

  /** Records the problem of one parser message and repairs the tree; false when it cannot. */
  private boolean recordAndRepair(JsonValue tree, String message) {
    String[] split = splitPath(tree, message);
    String path = split[0];
    String what = split[1];
    JsonValue at = JsonLocator.valueAt(tree, path);
    Matcher missing = MISSING.matcher(what);
    Matcher duplicate = DUPLICATE.matcher(what);
    if (missing.matches() && at != null && at.isObject()) {
      problems.add(
          new Problem(Severity.ERROR, originalPath(join(path, missing.group(1))), "missing field"));
      repaired.add(join(path, missing.group(1)));
      at.asObject().add(missing.group(1), placeholder(missing.group(1)));
      return true;
    }
    if (duplicate.matches() && at != null && at.isObject()) {
      problems.add(
          new Problem(
              Severity.ERROR, originalPath(join(path, duplicate.group(1))), "duplicate field"));
      JsonLocator.removeLast(at.asObject(), duplicate.group(1));
      return true;
    }
    problems.add(new Problem(Severity.ERROR, originalPath(path), what));
    JsonLocator.Location l = JsonLocator.find(tree, path);
    if (l == null) {
      return false;
    }
    if (l.name() != null && PLACEHOLDERS.containsKey(l.name())) {
      JsonLocator.replace(l, placeholder(l.name()));
      repaired.add(path);
    } else {
      if (l.array() != null) {
        removals.add(new Removal(path.substring(0, path.lastIndexOf('[')), l.index()));
      }
      JsonLocator.remove(l);
    }
    return true;
  }

  /**
   * A path in the repaired tree as it reads in the document: indices after removed elements move up
   * again.
   */
  private String originalPath(String path) {
    String p = path;
    for (int i = removals.size() - 1; i >= 0; i--) {
      Removal r = removals.get(i);
      String prefix = r.arrayPath() + "[";
      if (!p.startsWith(prefix)) {
        continue;
      }
      int close = p.indexOf(']', prefix.length());
      int k = Integer.parseInt(p.substring(prefix.length(), close));
      if (k >= r.index()) {
        p = prefix + (k + 1) + p.substring(close);
      }
    }
    return p;
  }

  /**
   * {@code "<path>: <problem>"}: the path is the longest prefix that names something in the tree.
   */
  private static String[] splitPath(JsonValue tree, String message) {
    String[] fallback = null;
    for (int i = message.indexOf(": "); i >= 0; i = message.indexOf(": ", i + 1)) {
      String path = message.substring(0, i);
      if (JsonLocator.valueAt(tree, path) != null) {
        fallback = new String[] {path, message.substring(i + 2)};
      }
    }
    return fallback != null ? fallback : new String[] {".", message};
  }

  private static String join(String path, String member) {
    return path.equals(".") ? member : path + "." + member;
  }

  static JsonValue placeholder(String name) {
    return Json.parse(PLACEHOLDERS.getOrDefault(name, "\"\""));
  }
}
