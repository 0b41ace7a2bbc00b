package computectl.spec;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object the way a serde struct does: unknown members are ignored, a
 * repeated known member is an error, and when several things are wrong the one reported is the
 * first in document order, with missing fields reported only after every present member converted
 * cleanly (first missing in declaration order). Values read from a failed object are null; call
 * {@link #finish()} before using them.
 */
final class StructFields {
  private final JsonNode node;
  private final Map<String, Integer> firstIndex = new HashMap<>();
  private final Map<String, JsonValue> firstValue = new HashMap<>();
  private final Map<String, Integer> secondIndex = new HashMap<>();
  private SpecException earliest;
  private int earliestIndex = Integer.MAX_VALUE;
  private String firstMissing;

  StructFields(JsonNode node) {
    this.node = node;
    int i = 0;
    for (JsonObject.Member m : node.object()) {
      String name = m.getName();
      if (!firstIndex.containsKey(name)) {
        firstIndex.put(name, i);
        firstValue.put(name, m.getValue());
      } else if (!secondIndex.containsKey(name)) {
        secondIndex.put(name, i);
      }
      i++;
    }
  }

  /**
   * A field that must be present (null is passed to {@code convert}, which normally refuses it).
   */
  <T> T required(String name, Function<JsonNode, T> convert) {
    if (!firstIndex.containsKey(name)) {
      if (firstMissing == null) {
        firstMissing = name;
      }
      return null;
    }
    return convert(name, convert);
  }

  /** An {@code Option} field: absent or null gives null. */
  <T> T optional(String name, Function<JsonNode, T> convert) {
    JsonValue v = firstValue.get(name);
    if (v == null || v.isNull()) {
      checkDuplicate(name);
      return null;
    }
    return convert(name, convert);
  }

  /** A {@code #[serde(default)]} field: absent gives {@code fallback}; null is a type error. */
  <T> T withDefault(String name, Function<JsonNode, T> convert, T fallback) {
    if (!firstIndex.containsKey(name)) {
      return fallback;
    }
    return convert(name, convert);
  }

  private <T> T convert(String name, Function<JsonNode, T> convert) {
    checkDuplicate(name);
    try {
      return convert.apply(node.child(name, firstValue.get(name)));
    } catch (SpecException e) {
      record(firstIndex.get(name), e);
      return null;
    }
  }

  private void checkDuplicate(String name) {
    Integer second = secondIndex.get(name);
    if (second != null) {
      record(second, node.error("duplicate field " + JsonText.name(name)));
    }
  }

  private void record(int index, SpecException e) {
    if (index < earliestIndex) {
      earliestIndex = index;
      earliest = e;
    }
  }

  /** Throws the error that upstream would report for this object, if any. */
  void finish() {
    if (earliest != null) {
      throw earliest;
    }
    if (firstMissing != null) {
      throw node.error("missing field " + JsonText.name(firstMissing));
    }
  }
}
