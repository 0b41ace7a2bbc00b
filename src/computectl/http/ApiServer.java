package computectl.http;

import com.sun.net.httpserver.HttpServer;
import computectl.util.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/1.1 server on {@code [::]} (all interfaces, both IPv4 and IPv6), served by a pool of
 * named threads. A port that cannot be bound is a startup error.
 *
 * <p>The pool grows to one thread a request in progress, up to a cap: the JDK server reads a
 * request on a pool thread once its first byte has arrived, so a small fixed pool would be held
 * by a handful of clients that send half a request (and a queue behind it would hold every other
 * client, /status included). A request that has not arrived whole within the request timeout of
 * {@link HttpLimits} is cut, which frees its thread.
 */
public final class ApiServer implements AutoCloseable {
  /** How long a thread the pool grew by waits for more work before it ends. */
  private static final long SPARE_THREAD_SECONDS = 30;

  private final String name;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;

  private ApiServer(String name, HttpServer server, ThreadPoolExecutor pool) {
    this.name = name;
    this.server = server;
    this.pool = pool;
  }

  /**
   * Binds {@code [::]:port} (0 picks a free port) and starts serving.
   *
   * @param threads the threads started before the pool hands work to spare ones
   * @param mostThreads the most the pool grows to (beyond, a new request's connection is closed)
   */
  static ApiServer start(String name, int port, Router router, int threads, int mostThreads, HttpLimits limits) {
    limits.applyToJdkServer();
    InetSocketAddress addr;
    HttpServer server;
    try {
      addr = new InetSocketAddress(InetAddress.getByName("::"), port);
      server = HttpServer.create(addr, 128);
    } catch (IOException e) {
      throw new HttpException("failed to bind the compute_ctl " + name + " HTTP server to [::]:" + port + ": "
          + e.getMessage(), e);
    }
    // No queue: a request either gets a thread or is refused (the JDK server then closes its
    // connection), so no request waits behind slow ones.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, Math.max(threads, mostThreads), SPARE_THREAD_SECONDS,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(), namedThreads("http-" + name), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    server.setExecutor(pool);
    server.createContext("/", router);
    server.start();
    ApiServer s = new ApiServer(name, server, pool);
    Log.info("compute_ctl " + name + " HTTP server listening at [::]:" + s.port());
    return s;
  }

  private static ThreadFactory namedThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public String name() {
    return name;
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting and serving at once (compute_ctl closes its servers only on the way out). */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    Log.info("compute_ctl " + name + " HTTP server stopped");
  }
}
