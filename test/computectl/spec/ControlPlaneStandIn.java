package computectl.spec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny control plane for tests: answers every request with the next scripted reply (the last one
 * repeats) and records what it was asked.
 */
final class ControlPlaneStandIn implements AutoCloseable {
  record Reply(int status, String body) {}

  record Request(
      String method, String path, List<String> authorization, List<String> headerNames) {}

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "cplane-stand-in"));
  private final List<Reply> script;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  ControlPlaneStandIn(Reply... script) throws IOException {
    this.script = List.of(script);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static Reply reply(int status, String body) {
    return new Reply(status, body);
  }

  String baseUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    Reply reply;
    synchronized (requests) {
      requests.add(
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              ex.getRequestHeaders().getOrDefault("Authorization", List.of()),
              List.copyOf(ex.getRequestHeaders().keySet())));
      reply = script.get(Math.min(requests.size(), script.size()) - 1);
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
    server.stop(0);
    executor.shutdownNow();
  }
}
