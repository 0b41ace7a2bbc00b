package computectl.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough YAML for checking our deploy/ files without a YAML library: block mappings and
 * sequences by indentation, {@code - key: value} items, plain, single- and double-quoted scalars,
 * flow sequences of scalars, {@code {}} and {@code []}, literal block scalars ({@code |}, {@code
 * |-}), comments, and {@code ---} between documents. Scalars stay strings. Anything else is an
 * error, so a file using more of YAML fails the check loudly.
 */
final class MiniYaml {
  private static final class Line {
    final int number;
    int indent;
    String text;

    Line(int number, int indent, String text) {
      this.number = number;
      this.indent = indent;
      this.text = text;
    }
  }

  private final List<String> raw;
  private final List<Line> lines = new ArrayList<>();
  private int pos;

  private MiniYaml(List<String> raw) {
    this.raw = raw;
    for (int i = 0; i < raw.size(); i++) {
      String l = raw.get(i);
      if (l.indexOf('\t') >= 0) {
        throw error(i + 1, "tab character");
      }
      String t = stripComment(l.strip());
      if (!t.isEmpty()) {
        lines.add(new Line(i + 1, l.length() - l.stripLeading().length(), t));
      }
    }
  }

  /** Every document of {@code text}. */
  static List<Object> parseAll(String text) {
    List<Object> docs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      if (l.equals("---")) {
        docs.add(new MiniYaml(current).document());
        current = new ArrayList<>();
      } else {
        current.add(l);
      }
    }
    docs.add(new MiniYaml(current).document());
    docs.removeIf(d -> d == null);
    return docs;
  }

  static Object parse(String text) {
    List<Object> docs = parseAll(text);
    if (docs.size() != 1) {
      throw new IllegalArgumentException("expected one YAML document, got " + docs.size());
    }
    return docs.get(0);
  }

  private Object document() {
    if (lines.isEmpty()) {
      return null;
    }
    Object node = node(lines.get(0).indent);
    if (pos < lines.size()) {
      throw error(lines.get(pos).number, "unexpected indentation");
    }
    return node;
  }

  private Object node(int indent) {
    Line l = lines.get(pos);
    if (l.indent < indent) {
      return null;
    }
    return isItem(l) ? sequence(l.indent) : mapping(l.indent);
  }

  private static boolean isItem(Line l) {
    return l.text.equals("-") || l.text.startsWith("- ");
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (pos < lines.size() && lines.get(pos).indent == indent && !isItem(lines.get(pos))) {
      Line l = lines.get(pos);
      int colon = keyEnd(l.text);
      if (colon < 0) {
        throw error(l.number, "expected \"key: value\"");
      }
      String key = scalar(l.text.substring(0, colon).strip(), l.number).toString();
      String rest = l.text.substring(colon + 1).strip();
      pos++;
      Object value;
      if (rest.equals("|") || rest.equals("|-")) {
        value = blockScalar(l, rest.equals("|-"));
      } else if (!rest.isEmpty()) {
        value = scalar(rest, l.number);
      } else if (pos < lines.size()
          && (lines.get(pos).indent > indent
              || (lines.get(pos).indent == indent && isItem(lines.get(pos))))) {
        value = node(lines.get(pos).indent);
      } else {
        value = null;
      }
      if (map.containsKey(key)) {
        throw error(l.number, "duplicate key " + key);
      }
      map.put(key, value);
    }
    return map;
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (pos < lines.size() && lines.get(pos).indent == indent && isItem(lines.get(pos))) {
      Line l = lines.get(pos);
      String rest = l.text.equals("-") ? "" : l.text.substring(2).strip();
      if (rest.isEmpty()) {
        pos++;
        list.add(
            pos < lines.size() && lines.get(pos).indent > indent
                ? node(lines.get(pos).indent)
                : null);
      } else if (keyEnd(rest) >= 0) {
        // "- key: value": a mapping whose keys sit where "key" starts
        l.indent = indent + 2;
        l.text = rest;
        list.add(mapping(indent + 2));
      } else {
        pos++;
        list.add(scalar(rest, l.number));
      }
    }
    return list;
  }

  /**
   * The lines below {@code owner} indented deeper than it, blank lines kept, the common indentation
   * removed.
   */
  private String blockScalar(Line owner, boolean strip) {
    List<String> body = new ArrayList<>();
    int i = owner.number;
    int blockIndent = -1;
    while (i < raw.size()) {
      String r = raw.get(i);
      int ind = r.length() - r.stripLeading().length();
      if (!r.isBlank() && ind <= owner.indent) {
        break;
      }
      if (!r.isBlank() && blockIndent < 0) {
        blockIndent = ind;
      }
      body.add(r.isBlank() ? "" : r.substring(Math.min(blockIndent, ind)));
      i++;
    }
    while (pos < lines.size() && lines.get(pos).number <= i) {
      pos++;
    }
    while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
      body.remove(body.size() - 1);
    }
    String text = String.join("\n", body);
    return strip ? text : text + "\n";
  }

  /**
   * Index of the colon ending a mapping key, or -1 (a colon followed by a space or the end, outside
   * quotes and brackets).
   */
  private static int keyEnd(String t) {
    char quote = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (i == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (i == 0 && (c == '[' || c == '{')) {
        return -1;
      } else if (c == ':' && (i + 1 == t.length() || t.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private static String stripComment(String t) {
    char quote = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || t.charAt(i - 1) == ' ')) {
        return t.substring(0, i).strip();
      }
    }
    return t;
  }

  private Object scalar(String s, int line) {
    if (s.startsWith("\"")) {
      return doubleQuoted(s, line);
    }
    if (s.startsWith("'")) {
      if (!s.endsWith("'") || s.length() < 2) {
        throw error(line, "unterminated single-quoted scalar");
      }
      return s.substring(1, s.length() - 1).replace("''", "'");
    }
    if (s.equals("{}")) {
      return Map.of();
    }
    if (s.startsWith("[")) {
      if (!s.endsWith("]")) {
        throw error(line, "unterminated flow sequence");
      }
      List<Object> items = new ArrayList<>();
      String inner = s.substring(1, s.length() - 1).strip();
      if (!inner.isEmpty()) {
        for (String item : inner.split(",")) {
          items.add(scalar(item.strip(), line));
        }
      }
      return items;
    }
    if (s.startsWith("{")
        || s.startsWith("&")
        || s.startsWith("*")
        || s.startsWith("!")
        || s.startsWith(">")) {
      throw error(line, "YAML feature not supported by this checker: " + s);
    }
    return s;
  }

  private String doubleQuoted(String s, int line) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        if (i != s.length() - 1) {
          throw error(line, "text after a quoted scalar");
        }
        return out.toString();
      }
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        out.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case '"', '\\', '/' -> e;
              default -> throw error(line, "unsupported escape \\" + e);
            });
      } else {
        out.append(c);
      }
    }
    throw error(line, "unterminated double-quoted scalar");
  }

  private static IllegalArgumentException error(int line, String what) {
    return new IllegalArgumentException("YAML line " + line + ": " + what);
  }
}
