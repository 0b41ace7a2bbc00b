package computectl.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The samples of one measurement, in the order taken, with the summary the report prints. */
public record Stats(List<Double> samples) {
  public Stats {
    samples = List.copyOf(samples);
  }

  public static Stats of(List<? extends Number> values) {
    List<Double> d = new ArrayList<>();
    for (Number n : values) {
      d.add(n.doubleValue());
    }
    return new Stats(d);
  }

  public boolean isEmpty() {
    return samples.isEmpty();
  }

  public double median() {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public double min() {
    return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  public double max() {
    return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
