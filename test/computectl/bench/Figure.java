package computectl.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the report: our measurement beside a baseline taken in the same run, and the target
 * it is held to. {@code ratio} is ours / baseline on the medians; {@code met} is null when the
 * figure has no target. {@code details} holds extra named medians (e.g. a time breakdown).
 */
public record Figure(
    String id,
    String title,
    String unit,
    Stats ours,
    String baselineName,
    Stats baseline,
    String target,
    Boolean met,
    Map<String, Object> details) {
  public Figure {
    details = new LinkedHashMap<>(details);
  }

  public static Figure of(
      String id, String title, String unit, Stats ours, String baselineName, Stats baseline) {
    return new Figure(id, title, unit, ours, baselineName, baseline, null, null, Map.of());
  }

  public Figure target(String text, boolean isMet) {
    return new Figure(id, title, unit, ours, baselineName, baseline, text, isMet, details);
  }

  public Figure detail(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(key, value);
    return new Figure(id, title, unit, ours, baselineName, baseline, target, met, d);
  }

  public double ratio() {
    if (baseline == null || baseline.isEmpty() || baseline.median() == 0) {
      return Double.NaN;
    }
    return ours.median() / baseline.median();
  }
}
