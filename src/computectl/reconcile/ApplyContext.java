package computectl.reconcile;

import computectl.spec.ComputeSpec;
import java.util.Optional;

/**
 * How to apply a spec: how many databases may be worked on at once (behaviour.md 6.6) and the
 * timeline id, needed only to record that subscriptions were dropped for this timeline.
 */
public record ApplyContext(int concurrency, String timelineId) {
  static final int DEFAULT_STARTUP_CONCURRENCY = 10;

  public ApplyContext {
    if (concurrency < 1) {
      // Upstream would wait forever on a semaphore without permits.
      concurrency = 1;
    }
  }

  public static ApplyContext of(ApplyMode mode, ComputeSpec spec, String timelineId) {
    return new ApplyContext(
        mode == ApplyMode.STARTUP ? startupConcurrency(spec) : reconfigureConcurrency(spec),
        timelineId);
  }

  /** {@code reconfigure_concurrency} (default 1). */
  public static int reconfigureConcurrency(ComputeSpec spec) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.reconfigureConcurrency()));
  }

  /**
   * From {@code max_connections} (settings first, else the first usable line of {@code
   * postgresql_conf}): the value below 10, 10 up to 29, a third from 30; 10 when unknown.
   */
  public static int startupConcurrency(ComputeSpec spec) {
    Optional<String> setting = spec.setting("max_connections");
    Long limit =
        setting.isPresent()
            ? parseCount(setting.get())
            : fromPostgresqlConf(spec.cluster().postgresqlConf());
    if (limit == null) {
      return DEFAULT_STARTUP_CONCURRENCY;
    }
    long c = limit < 10 ? limit : limit < 30 ? 10 : limit / 3;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, c));
  }

  private static Long fromPostgresqlConf(String conf) {
    if (conf == null) {
      return null;
    }
    for (String line : conf.split("\n", -1)) {
      int eq = line.indexOf('=');
      if (!line.contains("max_connections")
          || eq < 0
          || !line.substring(0, eq).strip().equals("max_connections")) {
        continue;
      }
      Long v = parseCount(line.substring(eq + 1).strip());
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** An unsigned integer as Rust's usize parser reads it (optional {@code +}, digits only). */
  private static Long parseCount(String s) {
    String digits = s.startsWith("+") ? s.substring(1) : s;
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return null;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
