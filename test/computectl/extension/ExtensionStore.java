package computectl.extension;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the extension storage proxy: serves configured bodies (or statuses) at paths
 * on 127.0.0.1, optionally after a delay, and records every request path.
 */
final class ExtensionStore implements AutoCloseable {
  /**
   * What a path answers, after {@code release} opens (null: at once) and then {@code delayMillis}.
   */
  private record Answer(
      int status, byte[] body, long delayMillis, String location, Release release) {
    Answer(int status, byte[] body, long delayMillis) {
      this(status, body, delayMillis, null, null);
    }
  }

  /** Holds answers back until the test sees what it waits for. */
  @FunctionalInterface
  interface Release {
    boolean isOpen();
  }

  /** Far longer than any answer is held back in a passing test. */
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(60);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  ExtensionStore() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "ext-store-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          requests.add(exchange.getRequestMethod() + " " + path);
          Answer a =
              answers.getOrDefault(path, new Answer(404, "no such object".getBytes(UTF_8), 0));
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          if (a.release() != null) {
            holdUntil(a.release());
          }
          sleep(a.delayMillis());
          inFlight.decrementAndGet();
          if (a.location() != null) {
            exchange.getResponseHeaders().set("Location", a.location());
          }
          exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(a.body());
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  ExtensionStore serve(String path, byte[] body) {
    return serve(path, 200, body, 0);
  }

  ExtensionStore serve(String path, int status, byte[] body, long delayMillis) {
    answers.put(path, new Answer(status, body, delayMillis));
    return this;
  }

  /**
   * Answers {@code path} once {@code release} is open (checked every few milliseconds; after a
   * minute the answer goes out anyway, and the test's own checks then fail), then after {@code
   * delayMillis}.
   */
  ExtensionStore serveWhen(
      String path, int status, byte[] body, long delayMillis, Release release) {
    answers.put(path, new Answer(status, body, delayMillis, null, release));
    return this;
  }

  /** A release that opens once {@code k} requests are being answered at the same time. */
  Release inFlightReaches(int k) {
    return () -> inFlight.get() >= k;
  }

  /** Answers {@code path} with a 302 to {@code location} (a path on this store, or a URL). */
  ExtensionStore redirect(String path, String location) {
    answers.put(path, new Answer(302, new byte[0], 0, location, null));
    return this;
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The most requests that were being answered at the same time. */
  int maxInFlight() {
    return maxInFlight.get();
  }

  long count(String path) {
    return requests.stream().filter(r -> r.equals("GET " + path)).count();
  }

  private static void holdUntil(Release release) {
    long deadline = System.nanoTime() + HOLD_LIMIT.toNanos();
    while (!release.isOpen()
        && System.nanoTime() - deadline < 0
        && !Thread.currentThread().isInterrupted()) {
      sleep(5);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * A .tar.zst archive of the given files (path to content), made with TarWriter and the zstd
   * program.
   */
  static byte[] tarZst(Map<String, String> files) throws IOException, InterruptedException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (computectl.tar.TarWriter w = new computectl.tar.TarWriter(tar)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        w.writeFile(
            f.getKey(),
            0644,
            1_700_000_000L,
            f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    computectl.testsupport.Requirements.zstd();
    Process p = new ProcessBuilder("zstd", "-q", "-c").start();
    Thread feeder =
        new Thread(
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                in.write(tar.toByteArray());
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            "test-zstd-feed");
    feeder.start();
    byte[] out = p.getInputStream().readAllBytes();
    feeder.join();
    if (p.waitFor() != 0) {
      throw new IOException("zstd failed: " + new String(p.getErrorStream().readAllBytes(), UTF_8));
    }
    return out;
  }
}
