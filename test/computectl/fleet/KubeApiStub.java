package computectl.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The part of a Kubernetes API server that {@code kubectl apply --dry-run=client} needs offline:
 * discovery (which kinds exist: Pod, ConfigMap, PrometheusRule, PodMonitor) and 404 for every
 * object it looks up, so kubectl decodes each manifest and reports it "created (dry run)".
 */
final class KubeApiStub implements AutoCloseable {
  private static final String CORE =
      "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
          + resource("pods", "pod", "Pod")
          + ","
          + resource("configmaps", "configmap", "ConfigMap")
          + "]}";
  private static final String MONITORING =
      "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
          + "\"groupVersion\":\"monitoring.coreos.com/v1\",\"resources\":["
          + resource("prometheusrules", "prometheusrule", "PrometheusRule")
          + ","
          + resource("podmonitors", "podmonitor", "PodMonitor")
          + "]}";
  private static final Map<String, String> DISCOVERY =
      Map.of(
          "/version",
          "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}",
          "/api",
          "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}",
          "/apis",
          "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"monitoring.coreos.com\","
              + "\"versions\":[{\"groupVersion\":\"monitoring.coreos.com/v1\",\"version\":\"v1\"}],"
              + "\"preferredVersion\":{\"groupVersion\":\"monitoring.coreos.com/v1\",\"version\":\"v1\"}}]}",
          "/api/v1",
          CORE,
          "/apis/monitoring.coreos.com/v1",
          MONITORING);
  private static final String NOT_FOUND =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
          + "\"reason\":\"NotFound\",\"code\":404}";

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "kube-api-stub"));

  KubeApiStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private static String resource(String plural, String singular, String kind) {
    return "{\"name\":\""
        + plural
        + "\",\"singularName\":\""
        + singular
        + "\",\"namespaced\":true,\"kind\":\""
        + kind
        + "\",\"verbs\":[\"create\",\"get\",\"patch\"]}";
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = DISCOVERY.get(ex.getRequestURI().getPath());
      int status = body == null ? 404 : 200;
      byte[] bytes = (body == null ? NOT_FOUND : body).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
