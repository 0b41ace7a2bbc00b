package computectl.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The configuration file of the demo's Prometheus: short scrape and evaluation intervals, the rule
 * files, and one static target per compute with its region and compute id as labels.
 */
public record PrometheusConfig(
    Duration scrapeInterval,
    Duration evaluationInterval,
    List<Path> ruleFiles,
    List<Target> targets) {
  public static final String JOB = "compute-ctl";

  /** A compute's metrics endpoint (host:port) and the labels Prometheus attaches to its series. */
  public record Target(String address, Map<String, String> labels) {}

  public PrometheusConfig {
    ruleFiles = List.copyOf(ruleFiles);
    targets = List.copyOf(targets);
  }

  /**
   * The YAML text; every string is double-quoted, so no value can change the document's structure.
   */
  public String yaml() {
    StringBuilder y = new StringBuilder();
    y.append("global:\n")
        .append("  scrape_interval: ")
        .append(seconds(scrapeInterval))
        .append('\n')
        .append("  scrape_timeout: ")
        .append(seconds(scrapeInterval))
        .append('\n')
        .append("  evaluation_interval: ")
        .append(seconds(evaluationInterval))
        .append('\n')
        .append("rule_files:\n");
    for (Path f : ruleFiles) {
      y.append("  - ").append(quote(f.toAbsolutePath().toString())).append('\n');
    }
    y.append("scrape_configs:\n")
        .append("  - job_name: ")
        .append(quote(JOB))
        .append('\n')
        .append("    metrics_path: \"/metrics\"\n")
        .append("    static_configs:\n");
    for (Target t : targets) {
      y.append("      - targets: [")
          .append(quote(t.address()))
          .append("]\n")
          .append("        labels:\n");
      t.labels().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  y.append("          ")
                      .append(e.getKey())
                      .append(": ")
                      .append(quote(e.getValue()))
                      .append('\n'));
    }
    return y.toString();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** A YAML double-quoted scalar. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        default -> q.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
    }
    return q.append('"').toString();
  }
}
