package computectl.fleet;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane as far as compute_ctl's start needs it: {@code GET
 * /compute/api/v2/computes/{id}/spec} answers "attached" with the compute's spec, or "empty" for a
 * pooled compute, with an empty JWKS (authorization off); unknown ids get 404.
 */
final class FleetControlPlane implements AutoCloseable {
  private static final Pattern SPEC_PATH = Pattern.compile("/compute/api/v2/computes/([^/]+)/spec");

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "fleet-control-plane"));

  /** compute id to its spec; {@link Json#NULL} for a pooled compute. */
  private final Map<String, JsonValue> specs = new ConcurrentHashMap<>();

  private FleetControlPlane(HttpServer server) {
    this.server = server;
  }

  static FleetControlPlane start() {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      FleetControlPlane cp = new FleetControlPlane(s);
      s.createContext("/", cp::handle);
      s.setExecutor(cp.executor);
      s.start();
      return cp;
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot start the control plane stand-in: " + e.getMessage(), e);
    }
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void attach(String computeId, JsonObject spec) {
    specs.put(computeId, spec);
  }

  void pool(String computeId) {
    specs.put(computeId, Json.NULL);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Matcher m = SPEC_PATH.matcher(ex.getRequestURI().getPath());
      JsonValue spec = m.matches() ? specs.get(m.group(1)) : null;
      if (!ex.getRequestMethod().equals("GET") || spec == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      JsonObject reply =
          new JsonObject()
              .add("spec", spec)
              .add("status", spec.isNull() ? "empty" : "attached")
              .add(
                  "compute_ctl_config",
                  new JsonObject().add("jwks", new JsonObject().add("keys", Json.array())));
      byte[] body = reply.toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
