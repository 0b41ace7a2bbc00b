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
    /**
     * Statements about one database each (its creation or owner) that run in the system database:
     * the tasks run concurrently on connections to the system database, the first on the shared
     * one. {@link DatabaseTask#database()} names the database the statements are about.
     */
    SYSTEM_BY_DATABASE,
    PER_DATABASE
  }

  public Stage {
    tasks = List.copyOf(tasks);
  }

  public boolean concurrent() {
    return kind != Kind.SYSTEM;
  }

  /** True when the stage's statements run on connections to the system database. */
  public boolean onSystemDatabase() {
    return kind == Kind.SYSTEM || kind == Kind.SYSTEM_BY_DATABASE;
  }
}
