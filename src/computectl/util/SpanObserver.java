package computectl.util;

import java.time.Instant;

/**
 * Sees every {@link LogSpan} start and end: the trace exporter implements it. Called on the thread
 * that enters or closes the span, so it must not block.
 */
public interface SpanObserver {
  /** Nothing is traced. */
  SpanObserver NONE =
      new SpanObserver() {
        @Override
        public void started(LogSpan span) {}

        @Override
        public void ended(LogSpan span) {}
      };

  void started(LogSpan span);

  void ended(LogSpan span);

  /** The W3C {@code traceparent} that names {@code span} to others, or null. */
  default String traceparent(LogSpan span) {
    return null;
  }

  /** Wall-clock time in nanoseconds since the Unix epoch (as trace timestamps are written). */
  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
