package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.metrics.ExportedMetrics;
import computectl.standin.SpecBuilder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /configure}: the first start of a pooled compute and live reconfiguration
 * (behaviour.md 7, 9.5).
 */
class ConfigureHandler_Test {
  final ComputeNode node = new ComputeNode();
  final ComputeFlowStub flow = new ComputeFlowStub(node);
  HttpServers servers;
  ApiClient ext;

  void start(boolean liveConfigAllowed) {
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "c1")
                .liveConfigAllowed(liveConfigAllowed)
                .terminator(flow.terminator())
                .build(),
            0,
            0);
    ext = ApiClient.local(servers.externalPort());
  }

  @AfterEach
  void stop() {
    flow.close();
    if (servers != null) {
      servers.close();
    }
  }

  HttpResponse<String> configure(String spec) {
    return ext.post("/configure", SpecBuilder.configureBody(spec));
  }

  @Test
  void configure_fromEmptyStartsTheComputeAndAnswersItsStatus() {
    start(true);
    HttpResponse<String> r = configure(SpecBuilder.validPrimary().json());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = Json.parse(r.body()).asObject();
    assertEquals(
        List.of("start_time", "tenant", "timeline", "status", "last_active", "error"),
        body.names());
    assertEquals("running", body.getString("status", ""));
    assertEquals(SpecBuilder.TENANT, body.getString("tenant", ""));
    assertEquals(SpecBuilder.TIMELINE, body.getString("timeline", ""));
    assertEquals(ComputeStatus.RUNNING, node.status());
  }

  @Test
  void configure_fromRunningReconfigures() {
    start(true);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    node.addListener((from, to) -> seen.add(from.display() + "->" + to.display()));
    assertEquals(200, configure(SpecBuilder.validPrimary().json()).statusCode());
    HttpResponse<String> r = configure(SpecBuilder.validPrimary().operation("op-2").json());
    assertEquals(200, r.statusCode(), r.body());
    ComputeFlowStub.awaitTrue(() -> seen.size() >= 6);
    // Listeners run outside the state lock and may be told out of order; the set is what matters.
    assertEquals(
        List.of(
            "configuration->running",
            "configuration-pending->configuration",
            "configuration-pending->init",
            "empty->configuration-pending",
            "init->running",
            "running->configuration-pending"),
        seen.stream().sorted().toList());
    assertEquals("op-2", node.spec().spec().operationUuid());
  }

  @Test
  void configure_failedStartIs500WithTheQuotedError() {
    start(true);
    flow.nextFailure.set("could not start \"postgres\": exit 1");
    HttpResponse<String> r = configure(SpecBuilder.validPrimary().json());
    assertEquals(500, r.statusCode());
    assertEquals(
        "{\"error\":\"compute configuration failed: \\\"could not start \\\\\\\"postgres\\\\\\\":"
            + " exit 1\\\"\"}",
        r.body());
  }

  @Test
  void configure_failedReconfigurationIs500WithUnknownError() {
    start(true);
    assertEquals(200, configure(SpecBuilder.validPrimary().json()).statusCode());
    flow.nextFailure.set("ignored: upstream keeps no error text here");
    HttpResponse<String> r = configure(SpecBuilder.validPrimary().json());
    assertEquals(500, r.statusCode());
    assertEquals("{\"error\":\"compute configuration failed: \\\"unknown error\\\"\"}", r.body());
  }

  @Test
  void configure_notAllowedIs412() {
    start(false);
    HttpResponse<String> r =
        configure("{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]}}");
    assertEquals(412, r.statusCode());
    assertEquals(
        "{\"error\":\"live configuration is not allowed for this compute node\"}", r.body());
    assertEquals(ComputeStatus.EMPTY, node.status());
  }

  @Test
  void configure_invalidSpecIs400() {
    start(true);
    HttpResponse<String> r =
        configure("{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]}}");
    assertEquals(400, r.statusCode());
    assertEquals("{\"error\":\"pageserver connstr should be provided\"}", r.body());
  }

  @Test
  void configure_wrongShapeIs422() {
    start(true);
    HttpResponse<String> r =
        ext.post("/configure", "{\"spec\":" + SpecBuilder.validPrimary().json() + "}");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: missing field "
            + "`compute_ctl_config`\"}",
        r.body());
    HttpResponse<String> roles =
        configure("{\"format_version\":1.0,\"cluster\":{\"databases\":[]}}");
    assertEquals(422, roles.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: spec.cluster:"
            + " missing field `roles`\"}",
        roles.body());
  }

  @Test
  void configure_malformedJsonIs400AndNoContentTypeIs415() {
    start(true);
    HttpResponse<String> r = ext.post("/configure", "{\"spec\": {");
    assertEquals(400, r.statusCode());
    assertTrue(
        r.body().startsWith("{\"error\":\"failed to parse the request body as json: "), r.body());
    assertEquals(
        415, ext.postRaw("/configure", SpecBuilder.validPrimary().configureBody()).statusCode());
  }

  @Test
  void configure_inAnotherStatusIs412WithKebabStatus() {
    start(true);
    node.setStatus(ComputeStatus.INIT);
    HttpResponse<String> r = configure(SpecBuilder.validPrimary().json());
    assertEquals(412, r.statusCode());
    assertEquals("{\"error\":\"invalid compute status: init\"}", r.body());
    node.setStatus(ComputeStatus.RUNNING);
    node.setStatus(ComputeStatus.TERMINATION_PENDING);
    assertEquals(
        "{\"error\":\"invalid compute status: termination-pending\"}",
        configure(SpecBuilder.validPrimary().json()).body());
  }

  @Test
  void configure_concurrentCallsAreSerialised() throws Exception {
    start(true);
    assertEquals(200, configure(SpecBuilder.validPrimary().json()).statusCode());
    flow.applyMillis = 300;
    // Listeners run outside the state lock, so only the set of transitions is compared, not their
    // order.
    List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    node.addListener((from, to) -> transitions.add(from.display() + "->" + to.display()));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String spec = SpecBuilder.validPrimary().operation("op-" + i).json();
        calls.add(pool.submit(() -> configure(spec)));
      }
      for (Future<HttpResponse<String>> c : calls) {
        assertEquals(
            200, c.get().statusCode(), "upstream would answer 412 here: " + c.get().body());
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.addAll(
          List.of(
              "running->configuration-pending",
              "configuration-pending->configuration",
              "configuration->running"));
    }
    Collections.sort(expected);
    ComputeFlowStub.awaitTrue(() -> transitions.size() >= 9);
    List<String> got = new ArrayList<>(transitions);
    Collections.sort(got);
    assertEquals(expected, got);
  }

  @Test
  void status_manyConcurrentRequestsSucceedWhileConfiguring() throws Exception {
    start(true);
    flow.applyMillis = 1500;
    CompletableFuture<HttpResponse<String>> configuring =
        CompletableFuture.supplyAsync(() -> configure(SpecBuilder.validPrimary().json()));
    node.await(s -> s == ComputeStatus.INIT, java.time.Duration.ofSeconds(5));
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      polls.add(
          ext.http.sendAsync(
              ext.request("/status").GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    int inInit = 0;
    for (CompletableFuture<HttpResponse<String>> p : polls) {
      HttpResponse<String> r = p.get();
      assertEquals(200, r.statusCode());
      if (r.body().contains("\"status\":\"init\"")) {
        inInit++;
      }
    }
    assertTrue(inInit > 0, "the polls ran while the configuration was applied");
    assertEquals(200, configuring.get().statusCode());
  }
}
