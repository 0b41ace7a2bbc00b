package computectl.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActivityRules_Test {
  private static final Instant NOW = Instant.parse("2025-04-01T10:00:00Z");

  @Test
  void fromBackends_anyNonIdleMeansNow() {
    var rows =
        List.of(
            new ActivityRules.Backend("idle", Instant.parse("2025-04-01T09:00:00Z")),
            new ActivityRules.Backend(
                "idle in transaction", Instant.parse("2025-04-01T08:00:00Z")));
    assertEquals(Optional.of(NOW), ActivityRules.fromBackends(rows, NOW));
  }

  @Test
  void fromBackends_allIdleGivesLatestStateChange() {
    var rows =
        List.of(
            new ActivityRules.Backend("idle", Instant.parse("2025-04-01T09:00:00Z")),
            new ActivityRules.Backend("idle", Instant.parse("2025-04-01T09:30:00Z")));
    assertEquals(
        Optional.of(Instant.parse("2025-04-01T09:30:00Z")), ActivityRules.fromBackends(rows, NOW));
  }

  @Test
  void fromBackends_noRowsGivesNothing() {
    assertEquals(Optional.empty(), ActivityRules.fromBackends(List.of(), NOW));
  }

  @Test
  void statsMoved_notOnFirstSample() {
    assertFalse(ActivityRules.statsMoved(null, new double[] {1, 2}));
    assertFalse(ActivityRules.statsMoved(new double[] {1, 2}, new double[] {1, 2}));
    assertTrue(ActivityRules.statsMoved(new double[] {1, 2}, new double[] {1, 3}));
  }
}
