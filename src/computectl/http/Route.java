package computectl.http;

/**
 * A method and path served by a handler. {@code prefix} routes match every path below {@code path}
 * (for {@code /extension_server/{filename}}); {@code authorized} routes need a token when the
 * external server has keys.
 */
public record Route(
    String method, String path, boolean prefix, boolean authorized, RouteHandler handler) {
  public static Route get(String path, boolean authorized, RouteHandler h) {
    return new Route("GET", path, false, authorized, h);
  }

  public static Route post(String path, boolean authorized, RouteHandler h) {
    return new Route("POST", path, false, authorized, h);
  }

  boolean matches(String rawPath) {
    return prefix
        ? rawPath.startsWith(path) && rawPath.length() > path.length()
        : rawPath.equals(path);
  }

  /** GET routes answer HEAD too, without a body, as upstream's router does. */
  boolean accepts(String method) {
    return this.method.equals(method) || (method.equals("HEAD") && this.method.equals("GET"));
  }
}
