package computectl.spec;

import java.util.List;

/**
 * A database. {@code restrictConn} and {@code invalid} are never read from a spec (always false
 * there); they come from the catalog and are always written out.
 */
public record Database(
    String name, String owner, List<GenericOption> options, boolean restrictConn, boolean invalid) {
  public Database {
    options = options == null ? null : List.copyOf(options);
  }
}
