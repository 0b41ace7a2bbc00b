package computectl.reconcile;

import java.util.List;

/**
 * One named phase of behaviour.md 6.3/6.4: statements run in order on one connection. Every
 * statement runs even after one fails; the phase then fails with the first error (behaviour.md
 * 6.5). A phase without statements opens no connection.
 */
public record Phase(String name, List<SqlStatement> statements) {
  public Phase {
    statements = List.copyOf(statements);
  }

  public boolean isEmpty() {
    return statements.isEmpty();
  }
}
