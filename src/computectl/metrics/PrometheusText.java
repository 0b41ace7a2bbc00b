package computectl.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Prometheus text exposition format 0.0.4. Families without samples are skipped. */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4";

  private PrometheusText() {}

  public static String write(MetricsRegistry registry) {
    StringBuilder sb = new StringBuilder();
    for (MetricFamily f : registry.families()) {
      List<Map.Entry<List<String>, Double>> samples = f.snapshot();
      if (samples.isEmpty()) {
        continue;
      }
      sb.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
      sb.append("# TYPE ").append(f.name()).append(' ').append(f.type().text()).append('\n');
      for (Map.Entry<List<String>, Double> s : samples) {
        sb.append(f.name());
        appendLabels(sb, f.labelNames(), s.getKey());
        sb.append(' ').append(number(s.getValue())).append('\n');
      }
    }
    return sb.toString();
  }

  private static void appendLabels(StringBuilder sb, List<String> names, List<String> values) {
    if (names.isEmpty()) {
      return;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(names::get)); // upstream prints labels sorted by name
    sb.append('{');
    boolean first = true;
    for (int i : order) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(names.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
    }
    sb.append('}');
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
