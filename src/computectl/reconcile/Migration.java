package computectl.reconcile;

import java.util.ArrayList;
import java.util.List;

/**
 * One numbered migration (behaviour.md 12.11). Ids are 1-based positions in the list: migrations
 * are only ever appended. A migration whose text starts with {@code -- SKIP} was withdrawn; it
 * still advances the stored id.
 */
public record Migration(long id, String sql) {
  static final String SKIP_MARK = "-- SKIP";

  public boolean skipped() {
    return sql.startsWith(SKIP_MARK);
  }

  /**
   * The built-in migrations: resources {@code migrations/0001.sql}, {@code 0002.sql}, ... until one
   * is missing.
   */
  public static List<Migration> builtIn() {
    List<Migration> out = new ArrayList<>();
    for (int id = 1; ; id++) {
      String path = String.format("migrations/%04d.sql", id);
      if (!SqlTemplate.exists(path)) {
        return List.copyOf(out);
      }
      out.add(new Migration(id, SqlTemplate.load(path)));
    }
  }
}
