package computectl.http;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * compute_ctl's two API servers (behaviour.md 9.1): the external one ({@code --external-http-port},
 * control plane and scraper, JWT-protected routes) and the internal one ({@code
 * --internal-http-port}, the neon extension and local_proxy, no authorization).
 */
public final class HttpServers implements AutoCloseable {
  /**
   * Threads that run requests while they flow. Only requests that have arrived whole take one (the
   * selector thread reads them), so a few suffice on the couple of cores a compute has.
   */
  public static final int EXTERNAL_THREADS = 8;

  public static final int INTERNAL_THREADS = 4;

  /**
   * The most each pool grows to while handlers are stuck (a slow database, a download, a client
   * reading a streamed dump slowly): enough that /status does not wait behind them, few enough that
   * the process stays small (the JVM touches ~90 KiB of stack in each thread).
   */
  public static final int EXTERNAL_MOST_THREADS = 24;

  public static final int INTERNAL_MOST_THREADS = 16;

  private final ApiServer external;
  private final ApiServer internal;

  private HttpServers(ApiServer external, ApiServer internal) {
    this.external = external;
    this.internal = internal;
  }

  /**
   * Loads and initializes what binding the servers needs of the JDK: its socket and selector
   * classes, their native libraries, the wildcard address. For a thread with nothing else to do
   * before {@link #start}: done there in a fresh JVM, this took 4 to 8 ms of a cold start before
   * the safekeepers and the basebackup (make bench, traced). Opens and closes a selector and an
   * unbound socket; a failure is left for {@link #start} to report.
   */
  public static void preloadNetworking() {
    try {
      SelectorProvider.provider().openSelector().close();
      ServerSocketChannel.open().close();
      InetAddress.getByName("::");
    } catch (IOException | RuntimeException e) {
      // start() meets the same failure and names the server it concerns
    }
  }

  /**
   * Binds both servers on {@code [::]} (port 0 picks a free one) and starts serving.
   *
   * @throws ComputeCtlException when a port cannot be bound (nothing is left running then)
   */
  public static HttpServers start(ApiContext ctx, int externalPort, int internalPort) {
    return start(ctx, externalPort, internalPort, HttpLimits.DEFAULT);
  }

  /** As {@link #start(ApiContext, int, int)}, with these limits against abuse. */
  public static HttpServers start(
      ApiContext ctx, int externalPort, int internalPort, HttpLimits limits) {
    Router ext =
        new Router(
            "external",
            externalRoutes(ctx),
            new JwtAuthorizer(ctx.jwks(), ctx.computeId(), Clock.systemUTC()));
    Router in = new Router("internal", internalRoutes(ctx), null);
    ApiServer external =
        ApiServer.start(
            "external", externalPort, ext, EXTERNAL_THREADS, EXTERNAL_MOST_THREADS, limits);
    try {
      return new HttpServers(
          external,
          ApiServer.start(
              "internal", internalPort, in, INTERNAL_THREADS, INTERNAL_MOST_THREADS, limits));
    } catch (RuntimeException e) {
      external.close();
      throw e;
    }
  }

  /** Upstream's protected list is every external route but {@code /metrics}. */
  static List<Route> externalRoutes(ApiContext ctx) {
    return List.of(
        Route.post("/check_writability", true, new CheckWritabilityHandler(ctx.node(), ctx.db())),
        Route.post("/configure", true, new ConfigureHandler(ctx.node(), ctx.liveConfigAllowed())),
        Route.post(
            "/configure_telemetry",
            true,
            new ConfigureTelemetryHandler(ctx.node(), ctx.logsExport())),
        Route.get(
            "/database_schema",
            true,
            new DatabaseSchemaHandler(ctx.pgbin(), ctx.dumpTarget(), ctx.children())),
        Route.get("/dbs_and_roles", true, new DbsAndRolesHandler(ctx.db())),
        Route.get("/insights", true, new InsightsHandler(ctx.node(), ctx.db())),
        Route.get("/metrics", false, new MetricsHandler(ctx.metrics())),
        Route.get("/metrics.json", true, new MetricsJsonHandler(ctx.node())),
        Route.get("/status", true, new StatusHandler(ctx.node())),
        Route.post("/terminate", true, new TerminateHandler(ctx.node(), ctx.terminator())));
  }

  static List<Route> internalRoutes(ApiContext ctx) {
    List<Route> routes =
        new ArrayList<>(
            List.of(
                new Route(
                    "POST",
                    ExtensionServerHandler.PREFIX,
                    true,
                    false,
                    new ExtensionServerHandler(
                        ctx.node(), ctx.remoteExtConfig(), ctx.extensionDownloader())),
                Route.post("/extensions", false, new ExtensionsHandler(ctx.node(), ctx.db())),
                Route.post("/grants", false, new GrantsHandler(ctx.node(), ctx.db()))));
    if (ctx.failpoints() != null) {
      routes.add(Route.post("/failpoints", false, new FailpointsHandler(ctx.failpoints())));
    }
    return routes;
  }

  public int externalPort() {
    return external.port();
  }

  public int internalPort() {
    return internal.port();
  }

  @Override
  public void close() {
    external.close();
    internal.close();
  }
}
