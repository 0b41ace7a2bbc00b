package computectl.http;

import computectl.util.Setting;
import java.util.Map;

/**
 * What keeps the API servers answering under abuse (slow or idle clients, floods of connections).
 *
 * <p>Requests are read without blocking (see {@link SelectorServer}), so a slow client costs a
 * buffer, not a thread; these bound what the buffers and sockets can cost: connections are capped,
 * a request that does not arrive whole in time is cut, and heads are bounded.
 *
 * @param maxConnections open connections a server keeps; at the cap the one waiting longest without
 *     a request running makes room for a new one
 * @param requestTimeoutSeconds how long a request's head and body may take to arrive
 * @param maxHeaderBytes the largest request head a server reads
 */
public record HttpLimits(int maxConnections, int requestTimeoutSeconds, int maxHeaderBytes) {
  /**
   * The JDK server's default, close to hyper's (upstream's server); a larger head is refused by
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
}
