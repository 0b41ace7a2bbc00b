package computectl.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The startup timings of {@code /metrics.json} (behaviour.md 5.9): unsigned integers, default 0, in
 * this order.
 */
public final class StartupMetrics {
  public enum Field {
    WAIT_FOR_SPEC_MS,
    SYNC_SK_CHECK_MS,
    SYNC_SAFEKEEPERS_MS,
    PAGESERVER_CONNECT_MICROS,
    BASEBACKUP_MS,
    BASEBACKUP_BYTES,
    START_POSTGRES_MS,
    CONFIG_MS,
    TOTAL_STARTUP_MS,
    LOAD_EXT_MS,
    NUM_EXT_DOWNLOADED,
    LARGEST_EXT_SIZE,
    TOTAL_EXT_DOWNLOAD_SIZE;

    public String json() {
      return name().toLowerCase();
    }
  }

  private final AtomicLongArray values = new AtomicLongArray(Field.values().length);

  public void set(Field f, long v) {
    values.set(f.ordinal(), Math.max(0, v));
  }

  public void add(Field f, long v) {
    values.addAndGet(f.ordinal(), v);
  }

  public void max(Field f, long v) {
    values.accumulateAndGet(f.ordinal(), v, Math::max);
  }

  public long get(Field f) {
    return values.get(f.ordinal());
  }

  /** Compact JSON in field order, as upstream serialises it. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{");
    for (Field f : Field.values()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(f.json()).append("\":").append(get(f));
    }
    return sb.append('}').toString();
  }
}
