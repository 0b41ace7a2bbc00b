package computectl.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL kept as resource files beside this class, with {@code {{name}}} placeholders. Values are
 * substituted in a single pass, so a value that itself contains {@code {{...}}} (a hostile role
 * name, say) is never expanded again.
 */
final class SqlTemplate {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private SqlTemplate() {}

  /** The text of {@code <path>} next to this class, without trailing whitespace. */
  static String load(String path) {
    return CACHE.computeIfAbsent(path, SqlTemplate::read);
  }

  /** True when the resource exists. */
  static boolean exists(String path) {
    return SqlTemplate.class.getResource(path) != null;
  }

  private static String read(String path) {
    try (InputStream in = SqlTemplate.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource computectl/reconcile/" + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code template} with each {@code {{key}}} replaced by its value; unknown keys are an error.
   */
  static String fill(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    int i = 0;
    while (true) {
      int open = template.indexOf("{{", i);
      if (open < 0) {
        out.append(template, i, template.length());
        return out.toString();
      }
      int close = template.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalStateException("unclosed placeholder in SQL template");
      }
      String key = template.substring(open + 2, close);
      String value = values.get(key);
      if (value == null) {
        throw new IllegalStateException("no value for placeholder {{" + key + "}}");
      }
      out.append(template, i, open).append(value);
      i = close + 2;
    }
  }

  static String fill(String path, String k1, String v1) {
    return fill(load(path), Map.of(k1, v1));
  }

  static String fill(String path, String k1, String v1, String k2, String v2) {
    return fill(load(path), Map.of(k1, v1, k2, v2));
  }
}
