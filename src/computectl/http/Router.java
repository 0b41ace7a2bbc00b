package computectl.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.LogSpan;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dispatches a server's requests (behaviour.md 9.1 to 9.4): request id, one log line in and one
 * out, 404 and 405 with empty bodies, authorization of protected routes, and errors as {@code
 * {"error": "..."}}.
 */
final class Router implements HttpHandler {
  private final String serverName;
  private final List<Route> routes;
  private final JwtAuthorizer authorizer;

  /**
   * @param authorizer null for a server without authorization (the internal one)
   */
  Router(String serverName, List<Route> routes, JwtAuthorizer authorizer) {
    this.serverName = serverName;
    this.routes = List.copyOf(routes);
    this.authorizer = authorizer;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try (LogSpan span = requestSpan(exchange)) {
      handleInSpan(exchange);
      int status = exchange.getResponseCode();
      span.record(LogSpan.Field.bare("http.response.status_code", status));
      if (status >= 500) {
        span.record(LogSpan.Field.text("otel.status_code", "ERROR"));
      }
    }
  }

  /**
   * Upstream's span of a server request (tower-otel's "HTTP"), its trace parent taken from the
   * request's W3C trace context.
   */
  private static LogSpan requestSpan(HttpExchange exchange) {
    String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
    String query = exchange.getRequestURI().getRawQuery();
    String version = exchange.getProtocol().replace("HTTP/", "");
    LogSpan span =
        LogSpan.enterTracedFrom(
            traceparent == null
                ? null
                : new LogSpan.RemoteParent(
                    traceparent, exchange.getRequestHeaders().getFirst("tracestate")),
            "HTTP",
            LogSpan.Field.text("http.request.method", exchange.getRequestMethod()),
            LogSpan.Field.text("network.protocol.name", "http"),
            LogSpan.Field.text("network.protocol.version", version),
            LogSpan.Field.text("otel.kind", "server"),
            LogSpan.Field.text("url.path", exchange.getRequestURI().getRawPath()));
    if (query != null) {
      span.record(LogSpan.Field.text("url.query", query));
    }
    return span;
  }

  /**
   * A random (version 4) UUID for a request that brought no id of its own. The id only ties the
   * request's log lines and its answer together, so it comes from ThreadLocalRandom instead of the
   * SecureRandom behind {@link UUID#randomUUID}, whose first use cost about 10 ms of CPU at boot
   * (make bench, boot).
   */
  static String newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (r.nextLong() & ~(3L << 62)) | (2L << 62); // variant 2 (RFC 9562)
    return new UUID(high, low).toString();
  }

  private void handleInSpan(HttpExchange exchange) {
    long start = System.nanoTime();
    String given = exchange.getRequestHeaders().getFirst(ApiRequest.REQUEST_ID);
    String requestId = given != null ? given : newRequestId();
    ApiRequest request = new ApiRequest(exchange, requestId);
    String method = exchange.getRequestMethod();
    // The scraper polls /metrics: its lines go to debug, as upstream's do.
    boolean quiet = request.rawPath().equals("/metrics");
    Log.log(
        quiet ? Log.Level.DEBUG : Log.Level.INFO,
        serverName + " request " + requestId + ": " + method + " " + exchange.getRequestURI());
    try {
      dispatch(request, method);
    } catch (ApiError e) {
      respondIfOpen(request, e);
    } catch (ComputeCtlException e) {
      respondIfOpen(request, new ApiError(500, e.getMessage(), e));
    } catch (Exception | Error e) {
      Log.error(
          serverName
              + " request "
              + requestId
              + " failed unexpectedly: "
              + ComputeCtlException.chain(e));
      respondIfOpen(
          request, new ApiError(500, "internal error: " + ComputeCtlException.chain(e), e));
    } finally {
      exchange.close();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    int status = request.status();
    Log.Level level =
        status >= 500 || status == 0 ? Log.Level.ERROR : quiet ? Log.Level.DEBUG : Log.Level.INFO;
    Log.log(
        level,
        serverName
            + " request "
            + requestId
            + (status >= 500 ? " failed: " : " finished: ")
            + status
            + " in "
            + ms
            + " ms");
  }

  private void dispatch(ApiRequest request, String method) throws Exception {
    String path = request.rawPath();
    boolean pathKnown = false;
    for (Route r : routes) {
      if (!r.matches(path)) {
        continue;
      }
      pathKnown = true;
      if (r.accepts(method)) {
        if (r.authorized() && authorizer != null) {
          authorizer.authorize(request.header("Authorization"), request.requestId());
        }
        r.handler().handle(request);
        if (request.status() == 0) {
          throw new IllegalStateException("handler for " + r.path() + " sent no response");
        }
        return;
      }
    }
    request.respondEmpty(pathKnown ? 405 : 404);
  }

  private static void respondIfOpen(ApiRequest request, ApiError e) {
    if (request.status() == 0) {
      request.respondError(e);
    } else {
      Log.error(
          "request "
              + request.requestId()
              + " failed after its response started: "
              + e.getMessage());
    }
  }
}
