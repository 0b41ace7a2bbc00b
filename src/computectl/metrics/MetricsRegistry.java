package computectl.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The families one compute_ctl process exports, in registration order (which is output order). */
public final class MetricsRegistry {
  private final List<MetricFamily> families = new CopyOnWriteArrayList<>();

  public MetricFamily gauge(String name, String help, String... labelNames) {
    return register(new MetricFamily(name, MetricFamily.Type.GAUGE, help, List.of(labelNames)));
  }

  public MetricFamily counter(String name, String help, String... labelNames) {
    return register(new MetricFamily(name, MetricFamily.Type.COUNTER, help, List.of(labelNames)));
  }

  private MetricFamily register(MetricFamily f) {
    for (MetricFamily existing : families) {
      if (existing.name().equals(f.name())) {
        throw new IllegalArgumentException("metric " + f.name() + " registered twice");
      }
    }
    families.add(f);
    return f;
  }

  public List<MetricFamily> families() {
    return List.copyOf(families);
  }
}
