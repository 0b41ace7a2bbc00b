package computectl.spec;

import java.util.List;

/**
 * A validated spec (behaviour.md 3.4) with the storage coordinates resolved from the top-level
 * fields or their {@code cluster.settings} fallbacks.
 */
public record ParsedSpec(
    ComputeSpec spec,
    String pageserverConnstr,
    List<String> safekeeperConnstrings,
    String tenantId,
    String timelineId) {

  public ParsedSpec {
    safekeeperConnstrings = List.copyOf(safekeeperConnstrings);
  }
}
