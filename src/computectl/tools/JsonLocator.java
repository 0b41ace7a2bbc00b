package computectl.tools;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Finds the value a spec error path names ({@code cluster.roles[2].name}, the root being {@code .})
 * in a JSON tree, and edits it there. Keys are not quoted in those paths and long ones are cut, so
 * a segment is matched against the members actually present, backtracking when a key itself
 * contains a dot or a bracket. With a repeated key, the first one is meant, as the parser reads the
 * first.
 */
final class JsonLocator {
  /**
   * Where a value sits: in {@code object} under the {@code index}-th member, or in {@code array} at
   * {@code index}.
   */
  record Location(JsonObject object, JsonArray array, int index, String name, JsonValue value) {}

  /** As {@code JsonText.pathSegment}: names over 64 characters are cut and marked. */
  private static final int MAX_SHOWN = 64;

  private JsonLocator() {}

  /**
   * The location of {@code path} under {@code root}, or null when it names nothing there (or the
   * root).
   */
  static Location find(JsonValue root, String path) {
    if (path.equals(".") || path.isEmpty()) {
      return null;
    }
    return descend(root, path, true);
  }

  /** The value at {@code path} (the root for {@code .}), or null. */
  static JsonValue valueAt(JsonValue root, String path) {
    if (path.equals(".") || path.isEmpty()) {
      return root;
    }
    Location l = find(root, path);
    return l == null ? null : l.value();
  }

  private static Location descend(JsonValue value, String rest, boolean first) {
    if (value.isArray() && rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        return null;
      }
      int index;
      try {
        index = Integer.parseInt(rest.substring(1, close));
      } catch (NumberFormatException e) {
        return null;
      }
      JsonArray array = value.asArray();
      if (index < 0 || index >= array.size()) {
        return null;
      }
      Location here = new Location(null, array, index, null, array.get(index));
      return continueFrom(here, rest.substring(close + 1));
    }
    if (!value.isObject()) {
      return null;
    }
    String keyed = first ? rest : rest.startsWith(".") ? rest.substring(1) : null;
    if (keyed == null) {
      return null;
    }
    JsonObject object = value.asObject();
    List<String> seen = new ArrayList<>();
    int i = 0;
    for (JsonObject.Member m : object) {
      String seg = segment(m.getName());
      if (!seen.contains(m.getName()) && keyed.startsWith(seg)) {
        String after = keyed.substring(seg.length());
        if (after.isEmpty() || after.startsWith(".") || after.startsWith("[")) {
          Location found =
              continueFrom(new Location(object, null, i, m.getName(), m.getValue()), after);
          if (found != null) {
            return found;
          }
        }
      }
      seen.add(m.getName());
      i++;
    }
    return null;
  }

  private static Location continueFrom(Location here, String after) {
    return after.isEmpty() ? here : descend(here.value(), after, false);
  }

  private static String segment(String name) {
    return name.length() <= MAX_SHOWN ? name : name.substring(0, MAX_SHOWN) + "...";
  }

  /** Replaces the located value. */
  static void replace(Location l, JsonValue replacement) {
    if (l.array() != null) {
      l.array().set(l.index(), replacement);
    } else {
      rewrite(
          l.object(),
          members -> {
            members.set(l.index(), Map.entry(l.name(), replacement));
            return members;
          });
    }
  }

  /** Removes the located value (the member, or the array element). */
  static void remove(Location l) {
    if (l.array() != null) {
      l.array().remove(l.index());
    } else {
      rewrite(
          l.object(),
          members -> {
            members.remove(l.index());
            return members;
          });
    }
  }

  /** Removes the last member called {@code name} (for a repeated key, the repetition). */
  static void removeLast(JsonObject object, String name) {
    object.remove(name);
  }

  /** Edits the members of {@code object} in place, keeping their order. */
  private static void rewrite(
      JsonObject object, UnaryOperator<List<Map.Entry<String, JsonValue>>> edit) {
    List<Map.Entry<String, JsonValue>> members = new ArrayList<>();
    for (JsonObject.Member m : object) {
      members.add(Map.entry(m.getName(), m.getValue()));
    }
    for (Map.Entry<String, JsonValue> m : members) {
      while (object.get(m.getKey()) != null) {
        object.remove(m.getKey());
      }
    }
    for (Map.Entry<String, JsonValue> m : edit.apply(members)) {
      object.add(m.getKey(), m.getValue());
    }
  }
}
