package computectl.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.util.List;
import java.util.UUID;

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
    long start = System.nanoTime();
    String given = exchange.getRequestHeaders().getFirst(ApiRequest.REQUEST_ID);
    String requestId = given != null ? given : UUID.randomUUID().toString();
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
