package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.util.Failpoints;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /failpoints}, present only when failpoints are enabled. */
class FailpointsHandler_Test {
  static final Failpoints failpoints = new Failpoints(code -> {});
  static HttpServers servers;
  static ApiClient in;

  @BeforeAll
  static void start() {
    servers =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
                .failpoints(failpoints)
                .terminator(() -> {})
                .build(),
            0,
            0);
    in = ApiClient.local(servers.internalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  @Test
  void failpoints_configuresInOrder() {
    HttpResponse<String> r =
        in.post(
            "/failpoints",
            "[{\"name\":\"compute-migration\",\"actions\":\"return(3)\"},"
                + "{\"name\":\"other\",\"actions\":\"off\"}]");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("", r.body());
    assertEquals(Optional.of("3"), failpoints.eval("compute-migration"));
  }

  @Test
  void failpoints_badActionIs400() {
    HttpResponse<String> r = in.post("/failpoints", "[{\"name\":\"x\",\"actions\":\"explode\"}]");
    assertEquals(400, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to configure failpoints: unrecognized command \\\"explode\\\"\"}",
        r.body());
  }

  @Test
  void failpoints_wrongShapeIs422() {
    HttpResponse<String> r = in.post("/failpoints", "[{\"name\":\"x\",\"action\":\"off\"}]");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: [0]: missing field"
            + " \\\"actions\\\"\"}",
        r.body());
  }
}
