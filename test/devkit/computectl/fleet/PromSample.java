package computectl.fleet;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One element of an instant vector answered by Prometheus: its labels (with __name__ when present)
 * and value.
 */
public record PromSample(Map<String, String> labels, double value) {
  public PromSample {
    labels = Map.copyOf(labels);
  }

  /** {@code name{a="x", b="y"} value}, labels sorted, the way the Prometheus UI shows a sample. */
  @Override
  public String toString() {
    Map<String, String> sorted = new TreeMap<>(labels);
    String name = sorted.remove("__name__");
    String body =
        sorted.entrySet().stream()
            .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
            .collect(Collectors.joining(", ", "{", "}"));
    String v = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    return (name == null ? "" : name) + body + " " + v;
  }
}
