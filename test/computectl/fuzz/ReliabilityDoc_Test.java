package computectl.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/reliability.md current: every fuzz target and the number of cases {@code make test}
 * runs, and every fault, tar, SQL and secrets test by its method name, must be in it. A test added
 * without a line in the document fails here.
 */
class ReliabilityDoc_Test {
  static final List<String> DOCUMENTED_CLASSES =
      List.of(
          "computectl.compute.ComputeFaults_Test",
          "computectl.compute.ComputeFailures_Test",
          "computectl.compute.ComputeSecrets_Test",
          "computectl.compute.ComputeSqlSafety_Test",
          "computectl.compute.ComputeHttpAbuse_Test",
          "computectl.tar.TarExtractorEndless_Test",
          "computectl.tar.TarExtractorHostile_Test");

  private static String doc() throws Exception {
    return Files.readString(Fixtures.projectRoot().resolve("docs/reliability.md"));
  }

  @Test
  void doc_namesEveryFuzzTargetAndTheCasesOfMakeTest() throws Exception {
    String doc = doc();
    for (String target : FuzzTargets.NAMES) {
      assertTrue(doc.contains("| `" + target + "` |"), "a row for fuzz target " + target);
    }
    assertEquals(10_000, Fuzz_Test.DEFAULT_CASES);
    assertTrue(doc.contains("10,000 cases per target"), "the make test figure");
  }

  @Test
  void doc_namesEveryFaultTarAndSecretsTest() throws Exception {
    String doc = doc();
    List<String> missing = new ArrayList<>();
    for (String className : DOCUMENTED_CLASSES) {
      // Loaded without initialising: the static fixtures of end-to-end classes start processes.
      Class<?> c = Class.forName(className, false, getClass().getClassLoader());
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Test.class) && !doc.contains("`" + m.getName() + "`")) {
          missing.add(className.substring(className.lastIndexOf('.') + 1) + "." + m.getName());
        }
      }
    }
    assertEquals(List.of(), missing, "tests not described in docs/reliability.md");
  }
}
