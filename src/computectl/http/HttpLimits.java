package computectl.http;

import computectl.util.Setting;
import java.util.Map;

/**
 * What keeps the API servers answering under abuse (slow or idle clients, floods of connections).
 *
 * <p>The JDK server parks connections that have sent nothing on its selector, but once a request's
 * first byte arrives it reads the rest of the head and the body on a pool thread, blocking. So
 * connections are capped, a request that does not arrive whole in time is cut (which frees its
 * thread), heads are bounded, and the pool grows while requests are stuck (see {@link
 * ElasticPool}).
 *
 * @param maxConnections open connections a server accepts; more are closed at once
 * @param requestTimeoutSeconds how long a request's head and body may take to arrive
 * @param maxHeaderBytes the largest request head a server reads
 */
public record HttpLimits(int maxConnections, int requestTimeoutSeconds, int maxHeaderBytes) {
  /**
   * The JDK's own default, close to hyper's (upstream's server): the JDK answers a larger head by
   * closing the connection, so a lower limit would turn long but valid requests (an {@code
   * /extension_server/} path, a JWT) into dropped connections (the HTTP fuzzer found it).
   */
  static final int MAX_HEADER_BYTES = 380 * 1024;

  /**
   * 30 s to arrive: a 2 MiB /configure body at a slow megabit a second, and hyper's header read
   * timeout.
   */
  public static final HttpLimits DEFAULT =
      new HttpLimits(
          (int) Setting.HTTP_MAX_CONNECTIONS.positive(Map.of()),
          (int) Setting.HTTP_REQUEST_TIMEOUT_SECONDS.positive(Map.of()),
          MAX_HEADER_BYTES);

  /** The defaults with the environment's overrides; a bad value names its variable. */
  public static HttpLimits fromEnv(Map<String, String> env) {
    return new HttpLimits(
        positive(env, Setting.HTTP_MAX_CONNECTIONS),
        positive(env, Setting.HTTP_REQUEST_TIMEOUT_SECONDS),
        DEFAULT.maxHeaderBytes);
  }

  private static int positive(Map<String, String> env, Setting setting) {
    return (int) Math.min(Integer.MAX_VALUE, setting.positive(env));
  }

  /**
   * Hands the limits to the JDK server, which reads them once per process, when its first server is
   * made; a value the operator set with {@code -D} is kept.
   */
  void applyToJdkServer() {
    setIfAbsent("jdk.httpserver.maxConnections", maxConnections);
    setIfAbsent("sun.net.httpserver.maxReqTime", requestTimeoutSeconds);
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", maxHeaderBytes);
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }
}
