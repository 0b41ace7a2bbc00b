package computectl.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A control plane for tests and demos: answers
 * {@code GET /compute/api/v2/computes/<id>/spec} per compute id with "empty" (a pooled compute
 * that waits for /configure), "attached" with a spec, or an HTTP error status. Unknown ids: 404.
 */
public final class ControlPlaneStandIn implements AutoCloseable {
  private static final String PREFIX = "/compute/api/v2/computes/";
  private static final String NO_KEYS = "{\"jwks\":{\"keys\":[]}}";

  private record Reply(int status, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "standin-control-plane");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();

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
    replies.put(computeId, new Reply(200, "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":" + NO_KEYS + "}"));
    return this;
  }

  /** The compute starts at once with this spec. */
  public ControlPlaneStandIn attached(String computeId, String specJson) {
    replies.put(computeId, new Reply(200, "{\"spec\":" + specJson + ",\"status\":\"attached\",\"compute_ctl_config\":"
        + NO_KEYS + "}"));
    return this;
  }

  /** Every request for this compute gets {@code status} (503 and 502 are retried by compute_ctl). */
  public ControlPlaneStandIn failing(String computeId, int status) {
    replies.put(computeId, new Reply(status, "{\"error\":\"stand-in control plane failing as configured\"}"));
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    Reply reply = new Reply(404, "{\"error\":\"unknown compute\"}");
    if (ex.getRequestMethod().equals("GET") && path.startsWith(PREFIX) && path.endsWith("/spec")) {
      reply = replies.getOrDefault(path.substring(PREFIX.length(), path.length() - "/spec".length()), reply);
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
