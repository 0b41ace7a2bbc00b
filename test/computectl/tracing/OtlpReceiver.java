package computectl.tracing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for an OpenTelemetry collector's OTLP/HTTP receiver on loopback: records every POST to
 * {@code /v1/traces} (path, content type, body) and answers 200, or, when told to hang, never
 * answers (a dead collector that still accepts connections).
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One request as received. */
  public static final class Post {
    private final String path;
    private final String contentType;
    private final byte[] body;

    Post(String path, String contentType, byte[] body) {
      this.path = path;
      this.contentType = contentType;
      this.body = body.clone();
    }

    public String path() {
      return path;
    }

    public String contentType() {
      return contentType;
    }

    public byte[] body() {
      return body.clone();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean hang;

  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(executor);
    server.createContext(
        "/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          posts.add(
              new Post(
                  ex.getRequestURI().getPath(),
                  ex.getRequestHeaders().getFirst("Content-Type"),
                  body));
          if (hang) {
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  /** The base URL, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on requests are read but never answered (until {@link #close}). */
  public OtlpReceiver hang() {
    hang = true;
    return this;
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
