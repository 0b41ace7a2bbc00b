package computectl.postgres;

/** SQL quoting as upstream does it (behaviour.md 6.7), so generated statements match upstream's. */
public final class SqlQuote {
  private SqlQuote() {}

  /** An identifier: always double-quoted, embedded quotes doubled. */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * A string literal: {@code '} and {@code \} doubled; {@code E'...'} when a backslash is present.
   */
  public static String literal(String s) {
    String escaped = s.replace("'", "''").replace("\\", "\\\\");
    return escaped.indexOf('\\') >= 0 ? "E'" + escaped + "'" : "'" + escaped + "'";
  }

  /**
   * Dollar quoting for a value placed inside a {@code DO} block: the quoted value and the outer tag
   * the enclosing block must use, both chosen so that neither occurs in the value.
   */
  public record DollarQuoted(String quoted, String outerTag) {
    /** The enclosing block's delimiter, {@code $<outer>$}. */
    public String outer() {
      return "$" + outerTag + "$";
    }
  }

  public static DollarQuoted dollar(String s) {
    String tag = "x";
    String outer = "xx";
    while (s.contains("$" + tag + "$") || s.contains("$" + outer + "$")) {
      tag = tag + "x";
      outer = tag + "x";
    }
    return new DollarQuoted("$" + tag + "$" + s + "$" + tag + "$", outer);
  }
}
