package computectl.http;

/** One route's handler. Throw {@link ApiError} for an error response; anything else is a 500. */
@FunctionalInterface
public interface RouteHandler {
  void handle(ApiRequest request) throws Exception;
}
