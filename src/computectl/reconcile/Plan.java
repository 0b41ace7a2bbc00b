package computectl.reconcile;

import computectl.postgres.SqlQuote;
import computectl.util.OneLine;
import java.util.List;

/**
 * Everything one spec application would do, in order: the stages of behaviour.md 6.3 with their
 * statements, plus the warnings found while planning (e.g. a rename of a role that does not exist).
 * Built by {@link Planner} without touching the database.
 */
public record Plan(List<Stage> stages, List<String> warnings) {
  public Plan {
    stages = List.copyOf(stages);
    warnings = List.copyOf(warnings);
  }

  /** Every statement text in execution order (tests and debugging; contains passwords). */
  public List<String> statements() {
    return stages.stream()
        .flatMap(s -> s.tasks().stream())
        .filter(t -> !t.skipped())
        .flatMap(t -> t.phases().stream())
        .flatMap(p -> p.statements().stream())
        .map(SqlStatement::sql)
        .toList();
  }

  /** The plan as an SQL script with comments; passwords are redacted. */
  public String print() {
    StringBuilder sb = new StringBuilder();
    for (String w : warnings) {
      sb.append("-- WARNING: ").append(oneLine(w)).append('\n');
    }
    int n = 0;
    for (Stage stage : stages) {
      n++;
      sb.append("\n-- stage ")
          .append(n)
          .append(": ")
          .append(stage.name())
          .append(concurrency(stage))
          .append('\n');
      for (DatabaseTask task : stage.tasks()) {
        printTask(sb, task);
      }
    }
    return sb.toString();
  }

  private static String concurrency(Stage stage) {
    if (!stage.concurrent()) {
      return "";
    }
    return stage.onSystemDatabase()
        ? " (databases concurrently, each from the system database)"
        : " (databases concurrently)";
  }

  private static void printTask(StringBuilder sb, DatabaseTask task) {
    String where =
        (task.systemDb() ? "system database " : "database ") + SqlQuote.ident(task.database());
    if (task.skipped()) {
      sb.append("-- ")
          .append(oneLine(where))
          .append(": skipped, ")
          .append(oneLine(task.skipReason()))
          .append('\n');
      return;
    }
    for (Phase phase : task.phases()) {
      sb.append("-- phase ").append(phase.name()).append(" in ").append(oneLine(where));
      if (phase.isEmpty()) {
        sb.append(": nothing to do\n");
        continue;
      }
      sb.append('\n');
      for (SqlStatement s : phase.statements()) {
        sb.append("-- ")
            .append(oneLine(s.comment()))
            .append('\n')
            .append(s.printable())
            .append(";\n");
      }
    }
  }

  /** Names may contain newlines; a comment line must not. */
  private static String oneLine(String s) {
    return OneLine.escape(s);
  }
}
