package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import computectl.tracing.OtlpDecoder;
import computectl.tracing.OtlpReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenTelemetry traces of a real compute_ctl, sent to a collector stand-in and decoded by the
 * reference protobuf module: one start span with a span per phase, parented by TRACEPARENT or by
 * the /configure request that brought the spec; a span per HTTP request, parented by its
 * traceparent header; everything flushed before the process exits.
 */
@Tag("e2e")
class ComputeTracing_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER = "b7ad6b7169203331";

  private static Map<String, String> otel(OtlpReceiver receiver, Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(more);
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.baseUrl());
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    return env;
  }

  private static List<OtlpDecoder.Span> spans(OtlpReceiver receiver) throws Exception {
    return OtlpDecoder.spans(receiver.posts().stream().map(OtlpReceiver.Post::body).toList());
  }

  private static OtlpDecoder.Span one(List<OtlpDecoder.Span> spans, String name) {
    List<OtlpDecoder.Span> found = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertEquals(1, found.size(), name + " in " + spans.stream().map(s -> s.name()).toList());
    return found.get(0);
  }

  @Test
  void cliStart_phasesUnderOneStartSpan_parentedByTraceparent_flushedAtExit() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      try (ComputeCtlProcess cc =
          fx.start(
              node,
              ComputeFixture.write(fx.spec(node)),
              List.of(),
              otel(receiver, Map.of("TRACEPARENT", "00-" + TRACE + "-" + CALLER + "-01")))) {
        cc.awaitStatus(s -> s.contains("\"running\""), Duration.ofSeconds(90));
        assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
        assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      }
      List<OtlpDecoder.Span> spans = spans(receiver);
      OtlpDecoder.Span start = one(spans, "start_compute");
      assertEquals(TRACE, start.traceId());
      assertEquals(CALLER, start.parentSpanId());
      assertEquals(
          "compute_ctl",
          start.resource().get("service.name").asObject().getString("stringValue", null));
      OtlpDecoder.Span prepare = one(spans, "prepare_pgdata");
      assertEquals(start.spanId(), prepare.parentSpanId());
      // The start's sync; the shutdown's, after Postgres stopped, is a trace of its own.
      assertEquals(
          1,
          spans.stream()
              .filter(s -> s.name().equals("sync_safekeepers"))
              .filter(s -> prepare.spanId().equals(s.parentSpanId()))
              .count());
      OtlpDecoder.Span basebackup = one(spans, "get_basebackup");
      assertEquals(prepare.spanId(), basebackup.parentSpanId());
      assertEquals(fx.backup().endLsn().toString(), basebackup.text("lsn"));
      OtlpDecoder.Span pg = one(spans, "start_postgres");
      assertEquals(start.spanId(), pg.parentSpanId());
      assertEquals(pg.spanId(), one(spans, "wait_for_postgres").parentSpanId());
      assertEquals(start.spanId(), one(spans, "configure_as_primary").parentSpanId());
      for (String phase :
          List.of("prepare_pgdata", "get_basebackup", "start_postgres", "configure_as_primary")) {
        assertEquals(TRACE, one(spans, phase).traceId(), phase);
      }
      // The /terminate's span ended just before the exit: the flush at exit sent it.
      Optional<OtlpDecoder.Span> terminate =
          spans.stream().filter(s -> "/terminate".equals(s.text("url.path"))).findFirst();
      assertTrue(terminate.isPresent(), "the last request's span was flushed at exit");
      assertEquals(2, terminate.get().kind(), "SPAN_KIND_SERVER");
      assertEquals(200L, terminate.get().number("http.response.status_code"));
    }
  }

  @Test
  void configureRequests_parentTheStartAndTheReconfiguration() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    String second = "1234567890abcdef1234567890abcdef";
    try (OtlpReceiver receiver = new OtlpReceiver();
        ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e")) {
      try (ComputeCtlProcess cc =
          fx.start(
              node, null, List.of("--control-plane-uri", cp.uri()), otel(receiver, Map.of()))) {
        cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
        String body = fx.spec(node).configureBody();
        assertEquals(200, configure(node, body, "00-" + TRACE + "-" + CALLER + "-01"));
        assertEquals(200, configure(node, body, "00-" + second + "-" + CALLER + "-01"));
        assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
        assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
      }
      List<OtlpDecoder.Span> spans = spans(receiver);
      List<OtlpDecoder.Span> configures =
          spans.stream().filter(s -> "/configure".equals(s.text("url.path"))).toList();
      assertEquals(2, configures.size());
      OtlpDecoder.Span first =
          configures.stream().filter(s -> s.traceId().equals(TRACE)).findFirst().orElseThrow();
      OtlpDecoder.Span again =
          configures.stream().filter(s -> s.traceId().equals(second)).findFirst().orElseThrow();
      assertEquals(CALLER, first.parentSpanId());
      OtlpDecoder.Span start = one(spans, "start_compute");
      assertEquals(first.spanId(), start.parentSpanId(), "the start is part of its /configure");
      OtlpDecoder.Span reconfigure = one(spans, "reconfigure");
      assertEquals(second, reconfigure.traceId());
      assertEquals(again.spanId(), reconfigure.parentSpanId(), "so is the reconfiguration");
    }
  }

  private static int configure(ComputeFixture.Node node, String body, String traceparent)
      throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.externalPort() + "/configure"))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json")
                    .header("traceparent", traceparent)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }
}
