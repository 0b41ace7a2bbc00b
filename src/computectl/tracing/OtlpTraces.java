package computectl.tracing;

import java.util.List;
import java.util.Map;

/**
 * Encodes spans as an OTLP {@code ExportTraceServiceRequest} (opentelemetry-proto, protobuf), the
 * body of a POST to a collector's {@code /v1/traces}: one ResourceSpans (the service's resource)
 * with one ScopeSpans (our instrumentation scope) holding the spans. Field numbers are those of
 * {@code opentelemetry/proto/trace/v1/trace.proto} and {@code common/v1/common.proto}.
 */
final class OtlpTraces {
  /** The instrumentation scope upstream's tracer is named by. */
  static final String SCOPE = "global";

  private static final int STATUS_CODE_ERROR = 2;

  private OtlpTraces() {}

  static byte[] encode(Map<String, Object> resource, List<FinishedSpan> spans) {
    ProtoWriter scopeSpans = new ProtoWriter().message(1, new ProtoWriter().string(1, SCOPE));
    for (FinishedSpan s : spans) {
      scopeSpans.message(2, span(s));
    }
    ProtoWriter res = new ProtoWriter();
    resource.forEach((k, v) -> res.message(1, keyValue(k, v)));
    ProtoWriter resourceSpans = new ProtoWriter().message(1, res).message(2, scopeSpans);
    return new ProtoWriter().message(1, resourceSpans).toByteArray();
  }

  private static ProtoWriter span(FinishedSpan s) {
    ProtoWriter w =
        new ProtoWriter()
            .bytes(1, SpanContext.bytes(s.ids().traceId()))
            .bytes(2, SpanContext.bytes(s.ids().spanId()))
            .string(3, s.ids().traceState());
    if (s.parentSpanId() != null) {
      w.bytes(4, SpanContext.bytes(s.parentSpanId()));
    }
    w.string(5, s.name())
        .varint(6, s.kind())
        .fixed64(7, s.startEpochNanos())
        .fixed64(8, s.endEpochNanos());
    s.attributes().forEach((k, v) -> w.message(9, keyValue(k, v)));
    if (s.error()) {
      w.message(15, new ProtoWriter().varint(3, STATUS_CODE_ERROR));
    }
    return w;
  }

  /** KeyValue{key, AnyValue}; AnyValue's oneof: string 1, bool 2, int64 3, double 4. */
  private static ProtoWriter keyValue(String key, Object value) {
    ProtoWriter any = new ProtoWriter();
    if (value instanceof Boolean b) {
      any.oneofVarint(2, b ? 1 : 0);
    } else if (value instanceof Long || value instanceof Integer) {
      any.oneofVarint(3, ((Number) value).longValue());
    } else if (value instanceof Double d) {
      any.oneofFixed64(4, Double.doubleToRawLongBits(d));
    } else {
      any.oneofString(1, String.valueOf(value));
    }
    return new ProtoWriter().string(1, key).message(2, any);
  }
}
