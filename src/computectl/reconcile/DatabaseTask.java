package computectl.reconcile;

import java.util.List;

/**
 * The phases to run in one database, in order, on at most one connection. {@code skipReason} is set
 * when a user database cannot be entered (missing, {@code restrict_conn} or invalid): the task is
 * then only logged.
 */
public record DatabaseTask(
    String database, boolean systemDb, String skipReason, List<Phase> phases) {
  public DatabaseTask {
    phases = List.copyOf(phases);
  }

  public boolean skipped() {
    return skipReason != null;
  }

  /** True when no statement would run, so no connection is needed. */
  public boolean isEmpty() {
    return skipped() || phases.stream().allMatch(Phase::isEmpty);
  }
}
