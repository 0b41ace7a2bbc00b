package computectl.pgbouncer;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts settings into the {@code [pgbouncer]} section of pgbouncer.ini so that they survive a
 * pgbouncer restart (behaviour.md 12.5). An existing key keeps its place and gets the new value
 * (later duplicates of it are dropped, so the value is unambiguous); new keys are appended to the
 * section in the order given. Everything else (comments, other sections, blank lines) is kept as
 * written, where upstream's ini library rewrote the whole file.
 */
public final class PgbouncerIni {
  static final String SECTION = "pgbouncer";

  private PgbouncerIni() {}

  /** Rewrites {@code file} in place; the file and its section must exist. */
  public static void update(Path file, Map<String, String> settings) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ComputeCtlException("pgbouncer configuration " + file + " does not exist");
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot read pgbouncer configuration " + file + ": " + e.getMessage(), e);
    }
    String updated = apply(text, settings, file.toString());
    try {
      Files.writeString(file, updated, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot write pgbouncer configuration " + file + ": " + e.getMessage(), e);
    }
  }

  /** The text with {@code settings} applied to its {@code [pgbouncer]} section. */
  static String apply(String text, Map<String, String> settings, String name) {
    for (Map.Entry<String, String> s : settings.entrySet()) {
      if (!writable(s.getKey(), s.getValue())) {
        throw new ComputeCtlException(
            "pgbouncer setting "
                + s.getKey()
                + "="
                + s.getValue()
                + " cannot be written to "
                + name);
      }
    }
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int start = sectionStart(lines);
    if (start < 0) {
      throw new ComputeCtlException(
          "pgbouncer configuration " + name + " has no [" + SECTION + "] section");
    }
    int end = sectionEnd(lines, start);
    Map<String, String> pending = new LinkedHashMap<>(settings);
    List<String> seen = new ArrayList<>();
    for (int i = start + 1; i < end; i++) {
      String key = keyOf(lines.get(i));
      if (key == null || !settings.containsKey(key)) {
        continue;
      }
      if (seen.contains(key)) {
        lines.remove(i--);
        end--;
        continue;
      }
      seen.add(key);
      lines.set(i, key + "=" + settings.get(key));
      pending.remove(key);
    }
    int insertAt = end;
    while (insertAt > start + 1 && lines.get(insertAt - 1).isBlank()) {
      insertAt--;
    }
    for (Map.Entry<String, String> s : pending.entrySet()) {
      lines.add(insertAt++, s.getKey() + "=" + s.getValue());
    }
    return String.join("\n", lines);
  }

  /**
   * A key may not be blank or contain '=', brackets or line breaks; a value may not break the line.
   */
  private static boolean writable(String key, String value) {
    return !key.isBlank()
        && !key.matches("(?s).*[\\r\\n\\[\\]=;#].*")
        && !value.matches("(?s).*[\\r\\n].*");
  }

  private static int sectionStart(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (SECTION.equals(sectionName(lines.get(i)))) {
        return i;
      }
    }
    return -1;
  }

  private static int sectionEnd(List<String> lines, int start) {
    for (int i = start + 1; i < lines.size(); i++) {
      if (sectionName(lines.get(i)) != null) {
        return i;
      }
    }
    int end = lines.size();
    return end > start + 1 && lines.get(end - 1).isEmpty()
        ? end - 1
        : end; // keep the final newline last
  }

  private static String sectionName(String line) {
    String t = line.trim();
    return t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1).trim() : null;
  }

  /** The key of a {@code key = value} line; null for comments, blanks and other lines. */
  private static String keyOf(String line) {
    String t = line.trim();
    if (t.isEmpty() || t.startsWith(";") || t.startsWith("#")) {
      return null;
    }
    int eq = t.indexOf('=');
    return eq <= 0 ? null : t.substring(0, eq).trim();
  }
}
