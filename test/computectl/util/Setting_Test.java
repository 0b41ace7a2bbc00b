package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class Setting_Test {
  @Test
  void seconds_readsTheVariableOrTheDefault() {
    assertEquals(Duration.ofMinutes(10), Setting.BASEBACKUP_DEADLINE_SECONDS.seconds(Map.of()));
    assertEquals(
        Duration.ofSeconds(7),
        Setting.BASEBACKUP_DEADLINE_SECONDS.seconds(
            Map.of("COMPUTE_CTL_BASEBACKUP_DEADLINE_SECONDS", "7")));
    assertEquals(
        "COMPUTE_CTL_HTTP_MAX_CONNECTIONS must be a positive whole number, got '0'",
        assertThrows(
                ComputeCtlException.class,
                () ->
                    Setting.HTTP_MAX_CONNECTIONS.positive(
                        Map.of("COMPUTE_CTL_HTTP_MAX_CONNECTIONS", "0")))
            .getMessage());
  }

  @Test
  void value_withoutADefaultIsNull() {
    assertEquals(null, Setting.DEBUG_TOKEN.value(Map.of()));
    assertEquals("t", Setting.DEBUG_TOKEN.value(Map.of("COMPUTE_CTL_DEBUG_TOKEN", "t")));
  }

  @Test
  void everySetting_isDocumentedAndReadOnlyThroughThisClass() throws IOException {
    Path root = Fixtures.projectRoot();
    String differences = Files.readString(root.resolve("docs/upstream.md"));
    for (Setting s : Setting.values()) {
      assertTrue(s.variable().startsWith("COMPUTE_CTL_"), s.variable());
      assertTrue(differences.contains(s.variable()), s.variable() + " is not in docs/upstream.md");
    }
    try (Stream<Path> files = Files.walk(root.resolve("src"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (!f.endsWith("util/Setting.java")) {
          assertTrue(
              !Files.readString(f).contains("\"COMPUTE_CTL_"), f + " names a setting itself");
        }
      }
    }
  }
}
