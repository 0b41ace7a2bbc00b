package computectl.tracing;

import java.util.Map;

/**
 * A span as exported: ids, name, kind, times and attributes (values are String, Long, Double or
 * Boolean), and whether it ended in error.
 *
 * @param parentSpanId hex, or null for a root span
 * @param kind OTLP's SpanKind: 1 internal, 2 server, 3 client
 */
record FinishedSpan(
    SpanContext ids,
    String parentSpanId,
    String name,
    int kind,
    long startEpochNanos,
    long endEpochNanos,
    Map<String, Object> attributes,
    boolean error) {
  static final int KIND_INTERNAL = 1;
  static final int KIND_SERVER = 2;
  static final int KIND_CLIENT = 3;
}
