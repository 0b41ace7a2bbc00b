package computectl.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard that keeps end-to-end work out of {@code make unit}. */
class TestScope_Test {
  private static final String PROPERTY = "computectl.test.scope";
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, saved);
    }
  }

  @Test
  void requireEndToEnd_unitRunRefusesAndSaysHowToTag() {
    System.setProperty(PROPERTY, "unit");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TestScope.requireEndToEnd("PostgreSQL"));
    assertEquals(
        "a test started PostgreSQL in make unit: annotate its class (or method) with @Tag(\"e2e\")",
        e.getMessage());
    assertThrows(IllegalStateException.class, TestScope::image);
  }

  @Test
  void requireEndToEnd_fullRunAllows() {
    System.setProperty(PROPERTY, "all");
    TestScope.requireEndToEnd("PostgreSQL");
    System.clearProperty(PROPERTY);
    TestScope.requireEndToEnd("PostgreSQL");
    assertFalse(TestScope.unitOnly());
  }
}
