package computectl.tracing;

import computectl.util.LogSpan;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished {@link LogSpan} as exported, read the way upstream's tracing-opentelemetry layer reads
 * a span: {@code otel.name} renames it, {@code otel.kind} sets its kind, {@code otel.status_code}
 * {@code ERROR} marks it failed; the other fields become attributes (numbers and booleans keep
 * their type, anything else is text), with the thread's name as upstream's layer adds it.
 */
final class SpanRecords {
  private SpanRecords() {}

  static FinishedSpan finished(LogSpan span, SpanContext ids, String parentSpanId) {
    String name = span.name();
    int kind = FinishedSpan.KIND_INTERNAL;
    boolean error = false;
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (LogSpan.Field f : span.fields()) {
      String v = String.valueOf(f.value());
      switch (f.name()) {
        case "otel.name" -> name = v;
        case "otel.kind" -> kind = kind(v);
        case "otel.status_code" -> error = v.equalsIgnoreCase("error");
        default -> attributes.put(f.name(), value(f.value()));
      }
    }
    attributes.put("thread.name", Thread.currentThread().getName());
    long start = span.startEpochNanos();
    return new FinishedSpan(
        ids, parentSpanId, name, kind, start, start + span.elapsedNanos(), attributes, error);
  }

  private static int kind(String v) {
    return switch (v) {
      case "server" -> FinishedSpan.KIND_SERVER;
      case "client" -> FinishedSpan.KIND_CLIENT;
      default -> FinishedSpan.KIND_INTERNAL;
    };
  }

  private static Object value(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Long || v instanceof Boolean || v instanceof Double) {
      return v;
    }
    return String.valueOf(v);
  }
}
