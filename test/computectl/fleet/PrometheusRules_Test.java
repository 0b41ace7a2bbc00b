package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** deploy/prometheus: the rule files load, and their promtool unit tests pass (and can fail). */
class PrometheusRules_Test {
  static final Path RULES_DIR =
      Path.of(System.getProperty("computectl.root", ".")).resolve("deploy/prometheus");
  static final List<String> RULE_FILES =
      List.of(
          "compute-ctl-rules.yml", "retired-build-tags.yml", "retired-build-tags.test-input.yml");

  @BeforeEach
  void needPromtool() {
    assumeTrue(Promtool.installed(), Promtool.MISSING);
  }

  @Test
  void checkRules_acceptsEveryRuleFile() {
    for (String f : RULE_FILES) {
      Promtool.Result r = Promtool.run(RULES_DIR, "check", "rules", f);
      assertEquals(0, r.exitCode(), f + ": " + r.output());
      assertTrue(r.output().contains("SUCCESS"), r.output());
    }
  }

  @Test
  void checkRules_findsTheRecordingAndAlertRules() {
    Promtool.Result r = Promtool.run(RULES_DIR, "check", "rules", "compute-ctl-rules.yml");
    assertTrue(r.output().contains("SUCCESS: 6 rules found"), r.output());
  }

  @Test
  void testRules_unitTestsPass() {
    Promtool.Result r = Promtool.run(RULES_DIR, "test", "rules", "compute-ctl-rules.test.yml");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  @Test
  void testRules_failWhenARuleChanges() throws Exception {
    Path copy = Files.createTempDirectory("computectl-rules-");
    try {
      for (String f : List.of("compute-ctl-rules.test.yml", "retired-build-tags.test-input.yml")) {
        Files.copy(RULES_DIR.resolve(f), copy.resolve(f));
      }
      String rules = Files.readString(RULES_DIR.resolve("compute-ctl-rules.yml"));
      String slower =
          rules
              .replace("for: 2m", "for: 3m")
              .replace(
                  "sum by (status) (compute_ctl_up)",
                  "count by (status) (compute_ctl_up{status!=\"empty\"})");
      assertNotEquals(rules, slower);
      Files.writeString(copy.resolve("compute-ctl-rules.yml"), slower);
      Promtool.Result r = Promtool.run(copy, "test", "rules", "compute-ctl-rules.test.yml");
      assertEquals(1, r.exitCode(), r.output());
      assertTrue(r.output().contains("alertname: ComputeCtlFailed, time: 2m"), r.output());
      assertTrue(r.output().contains("expr: \"status:compute_ctl_up:sum\""), r.output());
    } finally {
      for (String f :
          List.of(
              "compute-ctl-rules.yml",
              "compute-ctl-rules.test.yml",
              "retired-build-tags.test-input.yml")) {
        Files.deleteIfExists(copy.resolve(f));
      }
      Files.deleteIfExists(copy);
    }
  }
}
