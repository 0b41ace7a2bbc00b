package computectl.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pure decision of behaviour.md 8 check 2: what the client backends say about the last
 * activity.
 */
final class ActivityRules {
  private ActivityRules() {}

  /** One client backend: its state (never null here) and when it last changed. */
  record Backend(String state, Instant stateChange) {}

  /**
   * Any backend not exactly {@code idle}: active now. Otherwise the latest state change among the
   * idle ones; nothing when there are none.
   */
  static Optional<Instant> fromBackends(List<Backend> backends, Instant now) {
    Instant latest = null;
    for (Backend b : backends) {
      if (!b.state().equals("idle")) {
        return Optional.of(now);
      }
      if (b.stateChange() != null && (latest == null || b.stateChange().isAfter(latest))) {
        latest = b.stateChange();
      }
    }
    return Optional.ofNullable(latest);
  }

  /** Experimental rule: activity when either database total moved since the previous sample. */
  static boolean statsMoved(double[] previous, double[] current) {
    return previous != null && (previous[0] != current[0] || previous[1] != current[1]);
  }
}
