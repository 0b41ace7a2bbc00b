package computectl.reconcile;

import java.util.List;

/**
 * A step of behaviour.md 6.3. A {@link Kind#SYSTEM} stage has a single task on the system database
 * whose phases run in order on the shared system connection; the other kinds run their tasks
 * concurrently, one per database, within the apply concurrency limit (behaviour.md 6.6).
 */
public record Stage(String name, Kind kind, List<DatabaseTask> tasks) {
  public enum Kind {
    /**
     * Before the system phases: clean up databases about to be dropped; "does not exist" errors are
     * tolerated.
     */
    PRE_DROP,
    SYSTEM,
    PER_DATABASE
  }

  public Stage {
    tasks = List.copyOf(tasks);
  }

  public boolean concurrent() {
    return kind != Kind.SYSTEM;
  }
}
