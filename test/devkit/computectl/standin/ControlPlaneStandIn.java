package computectl.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A control plane for tests and demos: answers {@code GET /compute/api/v2/computes/<id>/spec} per
 * compute id with "empty" (a pooled compute that waits for /configure), "attached" with a spec, an
 * HTTP error status, any status and body (a wrong shape), or nothing at all (a control plane that
 * times out). Unknown ids get the replies given to {@link #answerEveryCompute}, else 404. Every
 * request is recorded.
 */
public final class ControlPlaneStandIn implements AutoCloseable {
  private static final String PREFIX = "/compute/api/v2/computes/";
  private static final String NO_KEYS = "{\"jwks\":{\"keys\":[]}}";

  /** One answer: a status and a JSON body (empty: none). */
  public record Reply(int status, String body) {}

  /** What was asked: the method, the raw path, the Authorization values, every header's name. */
  public record Request(
      String method, String path, List<String> authorization, List<String> headerNames) {}

  /** Marks a compute whose requests are never answered (status 0, which no HTTP answer has). */
  private static final Reply SILENT = new Reply(0, "");

  private static final Reply UNKNOWN = new Reply(404, "{\"error\":\"unknown compute\"}");

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(4, r -> NamedThreads.daemon("standin-control-plane", r));
  private final Map<String, List<Reply>> replies = new ConcurrentHashMap<>();
  private final List<Request> received = Collections.synchronizedList(new ArrayList<>());
  private volatile List<Reply> otherComputes = List.of(UNKNOWN);
  private final Map<String, Integer> requestCounts = new ConcurrentHashMap<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private ControlPlaneStandIn(HttpServer server) {
    this.server = server;
  }

  public static ControlPlaneStandIn start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ControlPlaneStandIn cp = new ControlPlaneStandIn(s);
    s.createContext("/", cp::handle);
    s.setExecutor(cp.executor);
    s.start();
    return cp;
  }

  /** What to pass as {@code --control-plane-uri}. */
  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The compute waits in the pool (status empty) until /configure. */
  public ControlPlaneStandIn empty(String computeId) {
    replies.put(
        computeId,
        List.of(
            new Reply(
                200,
                "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":" + NO_KEYS + "}")));
    return this;
  }

  /** The compute starts at once with this spec. */
  public ControlPlaneStandIn attached(String computeId, String specJson) {
    return attached(computeId, specJson, NO_KEYS);
  }

  /** The compute starts at once with this spec and this {@code compute_ctl_config} (JSON). */
  public ControlPlaneStandIn attached(String computeId, String specJson, String computeCtlConfig) {
    replies.put(
        computeId,
        List.of(
            new Reply(
                200,
                "{\"spec\":"
                    + specJson
                    + ",\"status\":\"attached\",\"compute_ctl_config\":"
                    + computeCtlConfig
                    + "}")));
    return this;
  }

  /** A {@code compute_ctl_config} without keys that names a TLS key and certificate. */
  public static String tlsConfig(Path key, Path cert) {
    return "{\"jwks\":{\"keys\":[]},\"tls\":{\"key_path\":\""
        + key
        + "\",\"cert_path\":\""
        + cert
        + "\"}}";
  }

  /**
   * Every request for this compute gets {@code status} (503 and 502 are retried by compute_ctl).
   */
  public ControlPlaneStandIn failing(String computeId, int status) {
    replies.put(
        computeId,
        List.of(new Reply(status, "{\"error\":\"stand-in control plane failing as configured\"}")));
    return this;
  }

  /** Every request for this compute gets exactly this status and body (a wrong shape, say). */
  public ControlPlaneStandIn reply(String computeId, int status, String body) {
    replies.put(computeId, List.of(new Reply(status, body)));
    return this;
  }

  /** Requests for this compute are accepted and never answered (until the stand-in closes). */
  public ControlPlaneStandIn silent(String computeId) {
    replies.put(computeId, List.of(SILENT));
    return this;
  }

  /** A reply, for {@link #answerEveryCompute}. */
  public static Reply reply(int status, String body) {
    return new Reply(status, body);
  }

  /**
   * Computes without replies of their own get these: the n-th request the n-th reply, the last one
   * repeating.
   */
  public ControlPlaneStandIn answerEveryCompute(Reply... script) {
    otherComputes = List.of(script);
    return this;
  }

  /** Every request so far, in order. */
  public List<Request> received() {
    return List.copyOf(received);
  }

  /** Requests received for this compute so far. */
  public int requests(String computeId) {
    return requestCounts.getOrDefault(computeId, 0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    received.add(
        new Request(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            ex.getRequestHeaders().getOrDefault("Authorization", List.of()),
            List.copyOf(ex.getRequestHeaders().keySet())));
    Reply reply = UNKNOWN;
    if (ex.getRequestMethod().equals("GET") && path.startsWith(PREFIX) && path.endsWith("/spec")) {
      String id = path.substring(PREFIX.length(), path.length() - "/spec".length());
      int n = requestCounts.merge(id, 1, Integer::sum);
      List<Reply> script = replies.getOrDefault(id, otherComputes);
      reply = script.get(Math.min(n, script.size()) - 1);
    }
    if (SILENT.equals(reply)) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
