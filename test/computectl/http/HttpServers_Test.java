package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.util.ComputeCtlException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The servers themselves: binding, routing, request ids, and upstream's body-extraction errors. */
class HttpServers_Test {
  static final Pattern UUID_V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  static ComputeNode node;
  static HttpServers servers;
  static ApiClient ext;
  static ApiClient in;

  @BeforeAll
  static void start() {
    node = new ComputeNode();
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "compute-1")
                .terminator(() -> {})
                .build(),
            0,
            0);
    ext = ApiClient.local(servers.externalPort());
    in = ApiClient.local(servers.internalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  /** Open file descriptors of this process. */
  private static int openFds() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    }
  }

  @Test
  void preloadNetworking_leavesNothingOpen() throws IOException {
    HttpServers.preloadNetworking();
    int before = openFds();
    for (int i = 0; i < 20; i++) {
      HttpServers.preloadNetworking(); // a selector and a socket each time, if it leaked them
    }
    assertTrue(openFds() - before < 20, "file descriptors left open: " + (openFds() - before));
  }

  @Test
  void unknownPath_is404WithEmptyBody() {
    HttpResponse<String> r = ext.get("/nope");
    assertEquals(404, r.statusCode());
    assertEquals("", r.body());
    assertEquals(404, ext.get("/status/").statusCode());
    assertEquals(404, in.get("/status").statusCode());
    assertEquals(404, in.post("/failpoints", "[]").statusCode(), "failpoints are disabled");
  }

  @Test
  void wrongMethod_is405WithEmptyBody() {
    HttpResponse<String> r = ext.post("/status", "{}");
    assertEquals(405, r.statusCode());
    assertEquals("", r.body());
    assertTrue(r.headers().firstValue("Content-Type").isEmpty());
    assertEquals(405, ext.get("/configure").statusCode());
    assertEquals(405, in.get("/extension_server/foo").statusCode());
  }

  @Test
  void head_answersGetRoutesWithoutBody() {
    HttpResponse<String> r =
        ext.send(
            ext.request("/status").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, r.statusCode());
    assertEquals("", r.body());
  }

  @Test
  void requestId_isEchoed() {
    HttpResponse<String> r = ext.get("/status", "x-request-id", "my-id-42");
    assertEquals("my-id-42", r.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void requestId_isGeneratedAsUuidV4WhenAbsent() {
    String id1 = ext.get("/status").headers().firstValue("x-request-id").orElseThrow();
    String id2 = ext.get("/nope").headers().firstValue("x-request-id").orElseThrow();
    assertTrue(UUID_V4.matcher(id1).matches(), id1);
    assertTrue(UUID_V4.matcher(id2).matches(), id2);
    assertFalse(id1.equals(id2));
  }

  @Test
  void servers_answerOnIpv4AndIpv6Loopback() {
    computectl.testsupport.Requirements.ipv6Loopback();
    assertEquals(200, new ApiClient("[::1]", servers.externalPort()).get("/status").statusCode());
    assertEquals(200, ApiClient.local(servers.externalPort()).get("/status").statusCode());
  }

  @Test
  void bind_failureIsAClearStartupError() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("::", 0));
      ComputeCtlException e =
          assertThrows(
              ComputeCtlException.class,
              () ->
                  HttpServers.start(
                      ApiContext.builder(node, new ExportedMetrics(), "c")
                          .terminator(() -> {})
                          .build(),
                      0,
                      taken.getLocalPort()));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "failed to bind the compute_ctl internal HTTP server to [::]:"
                      + taken.getLocalPort()),
          e.getMessage());
    }
  }

  @Test
  void jsonBody_withoutContentTypeIs415() {
    HttpResponse<String> r = in.postRaw("/extensions", "{}");
    assertEquals(415, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(
        "{\"error\":\"expected request with `content-type: application/json`\"}", r.body());
    assertEquals(415, in.postRaw("/extensions", "{}", "Content-Type", "text/plain").statusCode());
  }

  @Test
  void jsonBody_acceptsJsonSuffixTypesAndParameters() {
    HttpResponse<String> r =
        in.postRaw("/extensions", "{}", "Content-Type", "application/vnd.neon+json; charset=utf-8");
    assertEquals(422, r.statusCode(), r.body());
  }

  @Test
  void jsonBody_malformedIs400() {
    HttpResponse<String> r = in.post("/extensions", "{\"extension\": ");
    assertEquals(400, r.statusCode());
    assertTrue(
        r.body().startsWith("{\"error\":\"failed to parse the request body as json: "), r.body());
    assertTrue(r.body().contains(" at line 1 column "), r.body());
  }

  @Test
  void jsonBody_wrongShapeIs422() {
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: missing field"
            + " `database`\"}",
        in.post("/extensions", "{\"extension\":\"x\",\"version\":\"1\"}").body());
    HttpResponse<String> r =
        in.post("/extensions", "{\"extension\":5,\"database\":\"d\",\"version\":\"1\"}");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: extension: expected"
            + " a string, got 5\"}",
        r.body());
    assertEquals(422, in.post("/extensions", "[]").statusCode());
  }

  @Test
  void jsonBody_over2MiBIs413AndServerKeepsServing() {
    byte[] big = new byte[10 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    HttpResponse<String> r =
        in.send(
            in.request("/extensions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build());
    assertEquals(413, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to buffer the request body: length limit exceeded\"}", r.body());
    assertEquals(200, ext.get("/status").statusCode());
    assertEquals(422, in.post("/extensions", "{}").statusCode());
  }

  @Test
  void jsonBody_chunkedOver2MiBIs413() {
    byte[] big = new byte[3 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    // An InputStream publisher has no known length, so the client sends it chunked.
    HttpResponse<String> r =
        in.send(
            in.request("/grants")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());
    assertEquals(413, r.statusCode());
    assertEquals(200, ext.get("/status").statusCode());
  }

  @Test
  void jsonBody_exactly2MiBIsRead() {
    byte[] body = new byte[ApiRequest.BODY_LIMIT];
    Arrays.fill(body, (byte) ' ');
    body[0] = '[';
    body[body.length - 1] = ']';
    HttpResponse<String> r =
        in.send(
            in.request("/extensions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    assertEquals(422, r.statusCode(), "parsed, then refused for its shape: " + r.body());
  }

  @Test
  void http11_rawRequestGetsAnHttp11Answer() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), servers.externalPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream inStream = s.getInputStream();
      String head = new String(inStream.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
    }
  }
}
