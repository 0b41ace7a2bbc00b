package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.http.Tokens;
import computectl.spec.Jwk;
import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Authorization in a real compute (behaviour.md 9.3): the control plane's compute_ctl_config brings
 * a key, and from then on every protected route needs a token signed with it for this compute,
 * loopback clients included (upstream let ::1 in); /metrics stays open.
 */
@Tag("e2e")
class ComputeAuthorization_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void controlPlaneKeys_protectTheRoutes_evenFromLoopback() throws Exception {
    Requirements.ipv6Loopback();
    ComputeFixture.Node node = ComputeFixture.newNode();
    Tokens signer = new Tokens("key-e2e");
    Tokens stranger = new Tokens("key-e2e");
    Jwk k = signer.jwk();
    JsonObject jwk =
        new JsonObject()
            .add("kid", k.kid())
            .add("kty", k.kty())
            .add("crv", k.crv())
            .add("x", k.x())
            .add("alg", k.alg());
    String config = "{\"jwks\":{\"keys\":" + new JsonArray().add(jwk) + "}}";
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json(), config);
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      String good = "Bearer " + signer.forCompute("compute-e2e", 300);
      // /metrics needs no token: it tells when the start is over.
      Await.until(
          "a running compute in /metrics",
          Duration.ofSeconds(90),
          () -> !cc.process().isAlive() || metricsSayRunning(node));
      HttpResponse<String> ok = send(node, "GET", "/status", good);
      assertEquals(200, ok.statusCode(), ok.body() + cc.log());
      assertTrue(ok.body().contains("\"status\":\"running\""), ok.body());

      assertError(400, "invalid authorization token", send(node, "GET", "/status", null));
      // Upstream's bypass matched exactly this address.
      assertError(400, "invalid authorization token", send(node, "::1", "GET", "/status", null));
      assertError(
          401,
          "Failed to verify authorization token",
          send(node, "GET", "/status", "Bearer " + stranger.forCompute("compute-e2e", 300)));
      assertError(
          401,
          "invalid claims in authorization token",
          send(node, "GET", "/status", "Bearer " + signer.forCompute("another-compute", 300)));
      assertError(400, "invalid authorization token", send(node, "POST", "/terminate", null));
      assertTrue(cc.process().isAlive(), "a /terminate without a token stops nothing");

      assertEquals(200, send(node, "POST", "/terminate", good).statusCode(), cc.log());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    }
  }

  private static boolean metricsSayRunning(ComputeFixture.Node node) {
    try {
      return send(node, "GET", "/metrics", null).body().contains("status=\"running\"} 1");
    } catch (UncheckedIOException e) {
      return false; // not listening yet
    }
  }

  private static void assertError(int code, String message, HttpResponse<String> r) {
    assertEquals(code, r.statusCode(), r.body());
    assertEquals("{\"error\":\"" + message + "\"}", r.body());
  }

  private static HttpResponse<String> send(
      ComputeFixture.Node node, String method, String path, String authorization) {
    return send(node, "127.0.0.1", method, path, authorization);
  }

  private static HttpResponse<String> send(
      ComputeFixture.Node node, String host, String method, String path, String authorization) {
    String authority = host.contains(":") ? "[" + host + "]" : host;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + authority + ":" + node.externalPort() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
