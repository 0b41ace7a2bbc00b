package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.metrics.ExportedMetrics;
import computectl.standin.SpecBuilder;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /terminate} (behaviour.md 11.1). */
class TerminateHandler_Test {
  final ComputeNode node = new ComputeNode();
  final ComputeFlowStub flow = new ComputeFlowStub(node);
  final AtomicInteger signals = new AtomicInteger();
  HttpServers servers;
  ApiClient ext;

  @BeforeEach
  void start() {
    Runnable stop = flow.terminator();
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "c")
                .terminator(
                    () -> {
                      signals.incrementAndGet();
                      stop.run();
                    })
                .build(),
            0,
            0);
    ext = ApiClient.local(servers.externalPort());
  }

  @AfterEach
  void stop() {
    flow.close();
    servers.close();
  }

  @Test
  void terminate_runningComputeSignalsAndWaitsForTerminated() {
    assertEquals(
        200, ext.post("/configure", SpecBuilder.validPrimary().configureBody()).statusCode());
    HttpResponse<String> r = ext.post("/terminate", "");
    assertEquals(200, r.statusCode());
    assertEquals("", r.body());
    assertEquals(ComputeStatus.TERMINATED, node.status());
    assertEquals(1, signals.get());
  }

  @Test
  void terminate_alreadyTerminatedIs201() {
    assertEquals(200, ext.post("/terminate", "").statusCode());
    HttpResponse<String> r = ext.post("/terminate", "");
    assertEquals(201, r.statusCode());
    assertEquals("", r.body());
    assertEquals(1, signals.get());
  }

  @Test
  void terminate_emptyComputeCompletes() {
    assertEquals(200, ext.post("/terminate", "").statusCode());
    assertEquals(ComputeStatus.TERMINATED, node.status());
  }

  @Test
  void terminate_otherStatusIs412() {
    node.setStatus(ComputeStatus.INIT);
    HttpResponse<String> r = ext.post("/terminate", "");
    assertEquals(412, r.statusCode());
    assertEquals("{\"error\":\"invalid compute status: init\"}", r.body());
    assertEquals(0, signals.get());
    node.fail("boom");
    assertEquals(
        "{\"error\":\"invalid compute status: failed\"}", ext.post("/terminate", "").body());
  }
}
