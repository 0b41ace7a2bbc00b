package computectl.http;

import com.sun.net.httpserver.HttpServer;
import computectl.util.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/1.1 server on {@code [::]} (all interfaces, both IPv4 and IPv6), served by a
 * bounded pool of named threads. A port that cannot be bound is a startup error.
 */
public final class ApiServer implements AutoCloseable {
  private static final int QUEUE = 1024;

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
   * @param threads the most requests handled at once; more wait in a bounded queue
   */
  static ApiServer start(String name, int port, Router router, int threads) {
    InetSocketAddress addr;
    HttpServer server;
    try {
      addr = new InetSocketAddress(InetAddress.getByName("::"), port);
      server = HttpServer.create(addr, 128);
    } catch (IOException e) {
      throw new HttpException("failed to bind the compute_ctl " + name + " HTTP server to [::]:" + port + ": "
          + e.getMessage(), e);
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), namedThreads("http-" + name), new ThreadPoolExecutor.AbortPolicy());
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
