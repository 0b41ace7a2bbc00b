package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.spec.Jwk;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authorization of the external server's protected routes (behaviour.md 9.3), over HTTP. */
class JwtAuthorizer_Test {
  static final String COMPUTE = "compute-quiet-sun-123";
  static final String INVALID_TOKEN = "{\"error\":\"invalid authorization token\"}";
  static final String NOT_VERIFIED = "{\"error\":\"Failed to verify authorization token\"}";
  static final String BAD_CLAIMS = "{\"error\":\"invalid claims in authorization token\"}";

  static Tokens first = new Tokens("key-1");
  static Tokens second = new Tokens("key-2");
  static Tokens noKid = new Tokens(null);
  static Tokens stranger = new Tokens("key-1");
  static HttpServers servers;
  static HttpServers open;
  static ApiClient ext;

  @BeforeAll
  static void start() {
    // A key that is not Ed25519, a key without kid and with a broken x, then the real keys.
    List<Jwk> jwks =
        List.of(
            new Jwk("rsa-key", "RSA", null, null, "RS256"),
            new Jwk(null, "OKP", "Ed25519", "AAAA", null),
            first.jwk(),
            second.jwk(),
            noKid.jwk());
    servers =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), COMPUTE)
                .jwks(jwks)
                .terminator(() -> {})
                .build(),
            0,
            0);
    open =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), new ExportedMetrics(), COMPUTE)
                .terminator(() -> {})
                .build(),
            0,
            0);
    ext = ApiClient.local(servers.externalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
    open.close();
  }

  static HttpResponse<String> status(String authorization) {
    return authorization == null
        ? ext.get("/status")
        : ext.get("/status", "Authorization", authorization);
  }

  static void assertError(int code, String body, HttpResponse<String> r) {
    assertEquals(code, r.statusCode(), r.body());
    assertEquals(body, r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void authorize_acceptsAGoodToken() {
    assertEquals(200, status("Bearer " + first.forCompute(COMPUTE, 300)).statusCode());
    assertEquals(
        200,
        status("bearer " + second.forCompute(COMPUTE, 300)).statusCode(),
        "scheme is case-insensitive");
  }

  @Test
  void authorize_acceptsAKeyWithoutKid() {
    assertEquals(200, status("Bearer " + noKid.forCompute(COMPUTE, 300)).statusCode());
  }

  @Test
  void authorize_acceptsATokenWithoutExp() {
    assertEquals(
        200, status("Bearer " + first.token("{\"compute_id\":\"" + COMPUTE + "\"}")).statusCode());
  }

  @Test
  void authorize_missingHeaderIs400() {
    assertError(400, INVALID_TOKEN, status(null));
  }

  @Test
  void authorize_malformedHeaderIs400() {
    assertError(400, INVALID_TOKEN, status("Basic dXNlcjpwYXNz"));
    assertError(400, INVALID_TOKEN, status("Bearer"));
    assertError(400, INVALID_TOKEN, status("Bearer    "));
  }

  @Test
  void authorize_malformedTokenIs401() {
    assertError(401, NOT_VERIFIED, status("Bearer not-a-jwt"));
    assertError(401, NOT_VERIFIED, status("Bearer a.b.c"));
  }

  @Test
  void authorize_wrongKeyIs401() {
    assertError(401, NOT_VERIFIED, status("Bearer " + stranger.forCompute(COMPUTE, 300)));
  }

  @Test
  void authorize_tamperedClaimsAre401() {
    String[] parts = first.forCompute("other", 300).split("\\.");
    String forged =
        parts[0]
            + "."
            + Tokens.b64(("{\"compute_id\":\"" + COMPUTE + "\"}").getBytes())
            + "."
            + parts[2];
    assertError(401, NOT_VERIFIED, status("Bearer " + forged));
  }

  @Test
  void authorize_expiredBeyondLeewayIs401() {
    assertError(401, NOT_VERIFIED, status("Bearer " + first.forCompute(COMPUTE, -120)));
  }

  @Test
  void authorize_expiredWithinLeewayIsAccepted() {
    assertEquals(200, status("Bearer " + first.forCompute(COMPUTE, -30)).statusCode());
  }

  @Test
  void authorize_otherAlgorithmIs401() {
    String t = first.token("{\"alg\":\"HS256\"}", "{\"compute_id\":\"" + COMPUTE + "\"}");
    assertError(401, NOT_VERIFIED, status("Bearer " + t));
  }

  @Test
  void authorize_missingComputeIdIs401() {
    assertError(401, NOT_VERIFIED, status("Bearer " + first.token("{\"sub\":\"x\"}")));
    assertError(401, NOT_VERIFIED, status("Bearer " + first.token("{\"compute_id\":7}")));
  }

  @Test
  void authorize_wrongComputeIdIs401() {
    assertError(401, BAD_CLAIMS, status("Bearer " + first.forCompute("compute-other", 300)));
  }

  @Test
  void authorize_loopbackIsNotBypassed() {
    assertError(400, INVALID_TOKEN, ApiClient.local(servers.externalPort()).get("/status"));
    assertError(400, INVALID_TOKEN, new ApiClient("[::1]", servers.externalPort()).get("/status"));
  }

  @Test
  void authorize_coversEveryProtectedRoute() {
    for (String path :
        List.of("/status", "/metrics.json", "/insights", "/dbs_and_roles", "/database_schema")) {
      assertError(400, INVALID_TOKEN, ext.get(path));
    }
    for (String path :
        List.of("/configure", "/configure_telemetry", "/terminate", "/check_writability")) {
      assertError(400, INVALID_TOKEN, ext.post(path, "{}"));
    }
  }

  @Test
  void authorize_leavesMetricsAndInternalServerOpen() {
    assertEquals(200, ext.get("/metrics").statusCode());
    HttpResponse<String> r =
        ApiClient.local(servers.internalPort()).post("/extension_server/foo", "");
    assertEquals(412, r.statusCode(), r.body());
  }

  @Test
  void authorize_isOffWithoutKeys() {
    assertEquals(200, ApiClient.local(open.externalPort()).get("/status").statusCode());
  }
}
