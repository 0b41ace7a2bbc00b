package computectl.spec;

/**
 * A delta operation: {@code delete_db}, {@code rename_db}, {@code delete_role}, {@code
 * rename_role}; others are ignored.
 */
public record DeltaOp(String action, String name, String newName) {
  public static final String DELETE_DB = "delete_db";
  public static final String RENAME_DB = "rename_db";
  public static final String DELETE_ROLE = "delete_role";
  public static final String RENAME_ROLE = "rename_role";

  public boolean is(String kind) {
    return action.equals(kind);
  }
}
