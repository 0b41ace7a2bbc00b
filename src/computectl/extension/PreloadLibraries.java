package computectl.extension;

import computectl.spec.ComputeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The libraries of {@code shared_preload_libraries} that must be downloaded before Postgres starts
 * (behaviour.md 12.2): from the {@code cluster.settings} value and from the last {@code
 * postgresql_conf} line starting with {@code shared_preload_libraries} (the text between its first
 * and second {@code ='}), split on comma, quote and space, without {@code neon} and empty names,
 * keeping those in {@code library_index} (others are assumed to be installed locally).
 */
public final class PreloadLibraries {
  private static final String SETTING = "shared_preload_libraries";

  private PreloadLibraries() {}

  /** Names in the order found; a name listed twice stays twice (the downloads de-duplicate). */
  public static List<String> names(ComputeSpec spec, Map<String, String> libraryIndex) {
    List<String> names = new ArrayList<>();
    spec.setting(SETTING).ifPresent(value -> names.addAll(split(value)));
    String conf = spec.cluster().postgresqlConf();
    if (conf != null) {
      String last = "";
      for (String line : conf.split("\n", -1)) {
        if (line.startsWith(SETTING)) {
          last = line;
        }
      }
      String[] parts = last.split("='", -1);
      if (parts.length > 1) {
        names.addAll(split(parts[1]));
      }
    }
    names.removeIf(name -> !libraryIndex.containsKey(name));
    return names;
  }

  static List<String> split(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split("[,' ]")) {
      if (!part.isEmpty() && !part.equals("neon")) {
        out.add(part);
      }
    }
    return out;
  }
}
