package computectl.reconcile;

/**
 * One reconciliation statement. {@code comment} says what it does and appears in logs and error
 * messages; {@code printable} is the text with any password replaced, for printing plans.
 */
public record SqlStatement(String sql, String comment, String printable) {
  static final String REDACTED = "'<redacted>'";

  /** A statement without secrets: printed as is. */
  public static SqlStatement of(String sql, String comment) {
    return new SqlStatement(sql, comment, sql);
  }
}
