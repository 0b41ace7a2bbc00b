package computectl.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replays every saved fuzz input in {@code test/computectl/fuzz/regressions/}: a finding's input
 * (saved by {@link Fuzzer} under {@code $BUILD_DIR/fuzz-findings/}) is copied there once fixed, and
 * must keep passing the property. File names start with the target's name.
 */
class FuzzRegressions_Test {
  static Path dir() {
    return Fixtures.projectRoot().resolve("test/computectl/fuzz/regressions");
  }

  @Tag("e2e")
  @Test
  void regressions_allPassTheProperty() throws Exception {
    Map<String, List<Path>> byTarget = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".bin")).sorted().toList()) {
        String name = f.getFileName().toString();
        String target = name.substring(0, Math.max(0, name.indexOf('-')));
        assertTrue(
            FuzzTargets.ALL.containsKey(target),
            name + " does not start with a target name " + FuzzTargets.NAMES);
        byTarget.computeIfAbsent(target, k -> new ArrayList<>()).add(f);
      }
    }
    assertTrue(!byTarget.isEmpty(), "regression inputs in " + dir());
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<Path>> e : byTarget.entrySet()) {
      try (FuzzTarget t = FuzzTargets.ALL.get(e.getKey()).create()) {
        for (Path f : e.getValue()) {
          String problem = Fuzzer.replay(t, read(f));
          if (problem != null) {
            problems.add(f.getFileName() + ": " + problem);
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static byte[] read(Path f) throws IOException {
    return Files.readAllBytes(f);
  }
}
