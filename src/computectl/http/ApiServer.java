package computectl.http;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One HTTP/1.1 server on {@code [::]} (all interfaces, both IPv4 and IPv6): a {@link
 * SelectorServer} reads the requests, an {@link ElasticPool} of named threads runs them. A port
 * that cannot be bound is a startup error.
 */
public final class ApiServer implements AutoCloseable {
  private final String name;
  private final SelectorServer server;
  private final ElasticPool pool;

  private ApiServer(String name, SelectorServer server, ElasticPool pool) {
    this.name = name;
    this.server = server;
    this.pool = pool;
  }

  /**
   * Binds {@code [::]:port} (0 picks a free port) and starts serving.
   *
   * @param threads the threads that serve requests while they flow
   * @param mostThreads the most the pool grows to while requests are stuck
   */
  static ApiServer start(
      String name, int port, Router router, int threads, int mostThreads, HttpLimits limits) {
    ElasticPool pool = new ElasticPool("http-" + name, threads, mostThreads);
    SelectorServer server;
    try {
      InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName("::"), port);
      server = new SelectorServer(name, addr, router, pool, limits);
    } catch (IOException e) {
      pool.close();
      throw new ComputeCtlException(
          "failed to bind the compute_ctl "
              + name
              + " HTTP server to [::]:"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
    server.start();
    ApiServer s = new ApiServer(name, server, pool);
    Log.info("compute_ctl " + name + " HTTP server listening at [::]:" + s.port());
    return s;
  }

  public String name() {
    return name;
  }

  /** The bound port (useful after binding port 0). */
  public int port() {
    return server.port();
  }

  /** Stops accepting and serving at once (compute_ctl closes its servers only on the way out). */
  @Override
  public void close() {
    server.close();
    pool.close();
    Log.info("compute_ctl " + name + " HTTP server stopped");
  }
}
