package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusConfig_Test {
  private static PrometheusConfig config(Path retired, Map<String, String> labels) {
    return new PrometheusConfig(
        Duration.ofSeconds(1),
        Duration.ofMillis(500),
        List.of(PrometheusRules_Test.RULES_DIR.resolve("compute-ctl-rules.yml"), retired),
        List.of(
            new PrometheusConfig.Target("127.0.0.1:3080", labels),
            new PrometheusConfig.Target("127.0.0.1:3090", Map.of("region", "b"))));
  }

  @Test
  void yaml_hasIntervalsTargetsAndSortedQuotedLabels() {
    String y = config(Path.of("/r.yml"), Map.of("region", "a", "compute_id", "c-1")).yaml();
    assertTrue(
        y.contains("  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 500ms\n"),
        y);
    assertTrue(y.contains("  - \"/r.yml\"\n"), y);
    assertTrue(
        y.contains(
            "      - targets: [\"127.0.0.1:3080\"]\n"
                + "        labels:\n"
                + "          compute_id: \"c-1\"\n"
                + "          region: \"a\"\n"),
        y);
  }

  @Test
  void quote_escapesQuotesBackslashesAndNewlines() {
    assertEquals("\"a\\\"b\\\\c\\nd\"", PrometheusConfig.quote("a\"b\\c\nd"));
    assertEquals("\"x\\x01\"", PrometheusConfig.quote("x\u0001"));
  }

  @Test
  void yaml_isAcceptedByPromtoolWithTheShippedRules() throws Exception {
    assumeTrue(Promtool.installed(), Promtool.MISSING);
    Path dir = Files.createTempDirectory("computectl-promcfg-");
    try {
      Path retired = FleetDemo.writeRetiredTags(dir, "v0 \"old\"");
      Files.writeString(
          dir.resolve("prometheus.yml"),
          config(retired, Map.of("region", "it's \"quoted\" \\ here", "compute_id", "c-1")).yaml());
      Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(
          r.output().contains("SUCCESS: 6 rules found")
              && r.output().contains("SUCCESS: 1 rules found"),
          r.output());
    } finally {
      for (String f : List.of("prometheus.yml", "retired-build-tags.yml")) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.deleteIfExists(dir);
    }
  }
}
