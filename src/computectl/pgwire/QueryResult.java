package computectl.pgwire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One statement's result from a simple query: column names, rows as text (null for SQL NULL) and
 * the command tag (e.g. {@code SELECT 1}).
 */
public record QueryResult(List<String> columns, List<List<String>> rows, String commandTag) {
  public QueryResult {
    columns = List.copyOf(columns);
    List<List<String>> copy = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** Index of a column by name, or -1. */
  public int column(String name) {
    return columns.indexOf(name);
  }

  /**
   * The text of {@code column} in row {@code row} (null for NULL); a missing column is an error.
   */
  public String get(int row, String column) {
    int i = column(column);
    if (i < 0) {
      throw new WireException("result has no column \"" + column + "\" (columns: " + columns + ")");
    }
    return rows.get(row).get(i);
  }
}
