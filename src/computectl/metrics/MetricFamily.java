package computectl.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * One metric family: a name, a type, a help text and a set of label names, holding one value per
 * combination of label values. Thread-safe.
 */
public final class MetricFamily {
  public enum Type {
    GAUGE,
    COUNTER;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String name;
  private final Type type;
  private final String help;
  private final List<String> labelNames;
  private final Map<List<String>, DoubleAdder> samples = new ConcurrentHashMap<>();

  MetricFamily(String name, Type type, String help, List<String> labelNames) {
    this.name = name;
    this.type = type;
    this.help = help;
    this.labelNames = List.copyOf(labelNames);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String help() {
    return help;
  }

  public List<String> labelNames() {
    return labelNames;
  }

  /** Adds {@code delta} to the sample with these label values (in label-name order). */
  public void add(double delta, String... labelValues) {
    samples.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(delta);
  }

  public void inc(String... labelValues) {
    add(1, labelValues);
  }

  /** Sets a gauge sample. */
  public void set(double value, String... labelValues) {
    if (type != Type.GAUGE) {
      throw new IllegalStateException(name + " is a counter");
    }
    synchronized (this) {
      DoubleAdder a = new DoubleAdder();
      a.add(value);
      samples.put(key(labelValues), a);
    }
  }

  /** Removes every sample. */
  public synchronized void reset() {
    samples.clear();
  }

  /** The value of one sample, 0 when absent. */
  public double value(String... labelValues) {
    DoubleAdder a = samples.get(key(labelValues));
    return a == null ? 0 : a.sum();
  }

  /** A snapshot of the samples: label values to value. */
  public synchronized List<Map.Entry<List<String>, Double>> snapshot() {
    List<Map.Entry<List<String>, Double>> out = new ArrayList<>();
    samples.forEach((k, v) -> out.add(Map.entry(k, v.sum())));
    return out;
  }

  private List<String> key(String... labelValues) {
    if (labelValues.length != labelNames.size()) {
      throw new IllegalArgumentException(
          name + " takes labels " + labelNames + ", got " + labelValues.length + " values");
    }
    return List.of(labelValues);
  }
}
