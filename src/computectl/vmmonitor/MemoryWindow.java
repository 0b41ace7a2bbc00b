package computectl.vmmonitor;

/**
 * The rolling mean of the last {@link #SIZE} memory samples (integer division, rounding down, over
 * fewer samples at the start), plus the sample count. Not thread-safe: one poller feeds it.
 */
final class MemoryWindow {
  static final int SIZE = 5;

  private final long[] values = new long[SIZE];
  private long samples;

  /** Adds a sample taken at {@code takenAtNanos} and returns the new summary. */
  MemorySummary add(long value, long takenAtNanos) {
    values[(int) (samples % SIZE)] = value;
    samples++;
    int n = (int) Math.min(samples, SIZE);
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum = sum + values[i] < sum ? Long.MAX_VALUE : sum + values[i];
    }
    return new MemorySummary(sum / n, samples, takenAtNanos);
  }
}
