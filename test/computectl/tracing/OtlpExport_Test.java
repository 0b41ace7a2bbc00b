package computectl.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.LogSpan;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the exporter sends, decoded by the generated protobuf module of the OpenTelemetry JS
 * packages: the resource, the scope, span ids and parents, kinds, times, typed attributes, the
 * error status; and a dead collector that neither blocks the spans' threads nor grows the queue.
 */
class OtlpExport_Test {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER = "00f067aa0ba902b7";

  private static TraceConfig config(String url, Duration delay, int queue, int batch) {
    return new TraceConfig(
        URI.create(url + "/v1/traces"),
        TraceConfig.SERVICE_NAME,
        Map.of("x-team", "compute"),
        Duration.ofSeconds(2),
        delay,
        queue,
        batch);
  }

  @Test
  void export_batchDecodesWithTheReferenceProtobufModule() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      OtlpExporter exporter =
          new OtlpExporter(config(receiver.baseUrl(), Duration.ofMillis(100), 64, 16)).start();
      String outgoing;
      try {
        LogSpan request =
            LogSpan.enterTracedFrom(
                new LogSpan.RemoteParent("00-" + TRACE + "-" + CALLER + "-01", "neon=1"),
                "HTTP",
                LogSpan.Field.text("url.path", "/configure"),
                LogSpan.Field.text("otel.kind", "server"));
        LogSpan child = LogSpan.enter("get_basebackup", LogSpan.Field.bare("lsn", "0/169AD58"));
        outgoing = LogSpan.currentTraceparent();
        child.close();
        request.record(LogSpan.Field.bare("http.response.status_code", 500));
        request.record(LogSpan.Field.text("otel.status_code", "ERROR"));
        request.close();
      } finally {
        exporter.close(Duration.ofSeconds(5));
      }

      assertEquals(2, exporter.exported());
      OtlpReceiver.Post post = receiver.posts().get(0);
      assertEquals("/v1/traces", post.path());
      assertEquals("application/x-protobuf", post.contentType());
      List<OtlpDecoder.Span> spans =
          OtlpDecoder.spans(receiver.posts().stream().map(OtlpReceiver.Post::body).toList());
      assertEquals(List.of("get_basebackup", "HTTP"), spans.stream().map(s -> s.name()).toList());
      OtlpDecoder.Span bb = spans.get(0);
      OtlpDecoder.Span http = spans.get(1);
      assertEquals(
          "compute_ctl",
          http.resource().get("service.name").asObject().getString("stringValue", null));
      assertEquals("global", http.scope());
      assertEquals(TRACE, http.traceId());
      assertEquals(CALLER, http.parentSpanId(), "the caller's traceparent parents the request");
      assertEquals("neon=1", http.traceState());
      assertEquals(2, http.kind(), "SPAN_KIND_SERVER");
      assertEquals("/configure", http.text("url.path"));
      assertEquals(500L, http.number("http.response.status_code"));
      assertEquals(2, http.statusCode(), "STATUS_CODE_ERROR");
      assertNull(
          http.attributes().get("otel.kind"), "otel.* fields are instructions, not attributes");
      assertEquals(TRACE, bb.traceId());
      assertEquals(http.spanId(), bb.parentSpanId());
      assertEquals(1, bb.kind(), "SPAN_KIND_INTERNAL");
      assertEquals("0/169AD58", bb.text("lsn"));
      assertTrue(bb.start() >= http.start() && bb.end() <= http.end() && bb.start() <= bb.end());
      assertEquals("00-" + TRACE + "-" + bb.spanId() + "-01", outgoing, "W3C context out");
    }
  }

  @Test
  void deadCollector_spansNeverWait_queueDropsAndCounts_closeKeepsItsLimit() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver().hang()) {
      // A batch of one: the first span goes out at once and its request never gets an answer.
      OtlpExporter exporter =
          new OtlpExporter(config(receiver.baseUrl(), Duration.ofHours(1), 4, 1)).start();
      try {
        LogSpan.enter("first").close();
        long until = System.nanoTime() + 30_000_000_000L;
        while (receiver.posts().isEmpty() && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        assertEquals(1, receiver.posts().size(), "the exporter is stuck on the dead collector");
        for (int i = 0; i < 10; i++) {
          LogSpan.enter("span-" + i).close();
        }
        assertEquals(6, exporter.dropped(), "four wait in the queue, the rest are dropped");
      } finally {
        exporter.close(Duration.ofMillis(300));
      }
      assertEquals(0, exporter.exported());
      assertEquals(1, receiver.posts().size(), "nothing more was sent after the limit");
    }
  }

  @Test
  void config_fromTheStandardVariables() {
    assertNull(TraceConfig.fromEnv(Map.of()), "no endpoint: nothing is exported");
    assertNull(
        TraceConfig.fromEnv(
            Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true")));
    TraceConfig base = TraceConfig.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/"));
    assertEquals(URI.create("http://c:4318/v1/traces"), base.endpoint());
    assertEquals("compute_ctl", base.serviceName());
    assertEquals(Duration.ofSeconds(5), base.scheduleDelay());
    assertEquals(Duration.ofSeconds(10), base.timeout());
    assertEquals(2048, base.maxQueueSize());
    TraceConfig own =
        TraceConfig.fromEnv(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://t:443/custom",
                "OTEL_SERVICE_NAME", "compute-7",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20x,x-a=b",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "1500"));
    assertEquals(URI.create("https://t:443/custom"), own.endpoint(), "used as is");
    assertEquals("compute-7", own.serviceName());
    assertEquals(Map.of("authorization", "Bearer x", "x-a", "b"), own.headers());
    assertEquals(Duration.ofMillis(1500), own.timeout());
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class,
            () -> TraceConfig.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "c:4318")));
    assertEquals(
        "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL, got 'c:4318'",
        e.getMessage());
  }

  @Test
  void traceparent_parsedByTheW3cRules() {
    SpanContext c = SpanContext.parse("00-" + TRACE + "-" + CALLER + "-01", null);
    assertNotNull(c);
    assertEquals(TRACE, c.traceId());
    assertTrue(c.sampled());
    assertEquals(false, SpanContext.parse("00-" + TRACE + "-" + CALLER + "-00", null).sampled());
    for (String bad :
        List.of(
            "",
            "00-" + TRACE + "-" + CALLER,
            "ff-" + TRACE + "-" + CALLER + "-01",
            "00-" + "0".repeat(32) + "-" + CALLER + "-01",
            "00-" + TRACE + "-" + "0".repeat(16) + "-01",
            "00-" + TRACE.toUpperCase(java.util.Locale.ROOT) + "-" + CALLER + "-01",
            "00-" + TRACE + "-" + CALLER + "-01-extra",
            "0x-" + TRACE + "-" + CALLER + "-01")) {
      assertNull(SpanContext.parse(bad, null), bad);
    }
    SpanContext root = SpanContext.newRoot();
    assertEquals(root.traceId(), root.child().traceId());
    assertEquals(root, SpanContext.parse(root.traceparent(), null));
  }

  @Test
  void unsampledCaller_isNotExported() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      OtlpExporter exporter =
          new OtlpExporter(config(receiver.baseUrl(), Duration.ofMillis(50), 16, 16)).start();
      try {
        LogSpan.enterTracedFrom(
                new LogSpan.RemoteParent("00-" + TRACE + "-" + CALLER + "-00", null), "HTTP")
            .close();
        LogSpan.enter("sampled").close();
      } finally {
        exporter.close(Duration.ofSeconds(5));
      }
      List<OtlpDecoder.Span> spans =
          OtlpDecoder.spans(receiver.posts().stream().map(OtlpReceiver.Post::body).toList());
      assertEquals(List.of("sampled"), spans.stream().map(s -> s.name()).toList());
    }
  }
}
