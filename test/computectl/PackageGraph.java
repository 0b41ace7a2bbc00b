package computectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dependencies between the packages of {@code src/computectl}, read from the source: a file
 * depends on every other package it names as {@code computectl.<package>.} in code (imports, static
 * imports and fully-qualified names). Comments and string literals do not count, so a Javadoc link
 * or a class name in a message is no dependency.
 */
final class PackageGraph {
  private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+computectl\\.(\\w+)");
  private static final Pattern REFERENCE = Pattern.compile("\\bcomputectl\\.([a-z_]\\w*)\\.");

  /** package -> package it depends on -> the first file (package/File) that makes the edge. */
  private final Map<String, Map<String, String>> edges = new TreeMap<>();

  /** Adds the edges of one source file, given its text. */
  void addSource(String fileName, String source) {
    String code = codeOnly(source);
    Matcher p = PACKAGE.matcher(code);
    if (!p.find()) {
      return;
    }
    String from = p.group(1);
    Map<String, String> out = edges.computeIfAbsent(from, k -> new TreeMap<>());
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) {
      String to = m.group(1);
      if (!to.equals(from)) {
        out.putIfAbsent(to, from + "/" + fileName);
      }
    }
  }

  /** Reads every {@code .java} file under {@code root} (normally {@code src/computectl}). */
  static PackageGraph read(Path root) throws IOException {
    PackageGraph g = new PackageGraph();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    for (Path f : files) {
      g.addSource(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
    }
    return g;
  }

  Set<String> dependencies(String pkg) {
    return edges.getOrDefault(pkg, Map.of()).keySet();
  }

  /**
   * One cycle per group of packages that reach each other, each as {@code a -> b -> a} followed by
   * the file that makes each edge; empty when the graph points one way.
   */
  List<String> cycles() {
    List<String> found = new ArrayList<>();
    Set<String> reported = new TreeSet<>();
    for (String start : edges.keySet()) {
      if (reported.contains(start)) {
        continue;
      }
      List<String> cycle = shortestPathBack(start);
      if (cycle != null) {
        reported.addAll(cycle);
        found.add(describe(cycle));
      }
    }
    return found;
  }

  /** The shortest path start -> ... -> start, or null (breadth first, so the names are few). */
  private List<String> shortestPathBack(String start) {
    Map<String, String> cameFrom = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : dependencies(at)) {
        if (next.equals(start)) {
          List<String> path = new ArrayList<>(List.of(start));
          for (String n = at; !n.equals(start); n = cameFrom.get(n)) {
            path.add(1, n);
          }
          path.add(start);
          return path;
        }
        if (!cameFrom.containsKey(next)) {
          cameFrom.put(next, at);
          queue.add(next);
        }
      }
    }
    return null;
  }

  private String describe(List<String> cycle) {
    StringBuilder names = new StringBuilder(String.join(" -> ", cycle));
    for (int i = 0; i + 1 < cycle.size(); i++) {
      String from = cycle.get(i);
      String to = cycle.get(i + 1);
      names.append("\n  ").append(from).append(" -> ").append(to);
      names.append(" (").append(edges.get(from).get(to)).append(')');
    }
    return names.toString();
  }

  /**
   * The source with comments, string and character literals (text blocks included) blanked out,
   * offsets kept.
   */
  static String codeOnly(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      int end = literalOrCommentEnd(s, i);
      if (end > i) {
        for (int k = i; k < end; k++) {
          out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
        i = end;
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  /** Where the comment or literal starting at {@code i} ends, or {@code i} when none starts. */
  private static int literalOrCommentEnd(String s, int i) {
    if (s.startsWith("//", i)) {
      int nl = s.indexOf('\n', i);
      return nl < 0 ? s.length() : nl;
    }
    if (s.startsWith("/*", i)) {
      int close = s.indexOf("*/", i + 2);
      return close < 0 ? s.length() : close + 2;
    }
    if (s.startsWith("\"\"\"", i)) {
      int close = s.indexOf("\"\"\"", i + 3);
      while (close > 0 && s.charAt(close - 1) == '\\') {
        close = s.indexOf("\"\"\"", close + 1);
      }
      return close < 0 ? s.length() : close + 3;
    }
    char c = s.charAt(i);
    if (c == '"' || c == '\'') {
      int k = i + 1;
      while (k < s.length() && s.charAt(k) != c && s.charAt(k) != '\n') {
        k += s.charAt(k) == '\\' ? 2 : 1;
      }
      return Math.min(k + 1, s.length());
    }
    return i;
  }
}
