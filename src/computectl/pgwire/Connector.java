package computectl.pgwire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opening the TCP connection (every resolved address in turn, as libpq does) and the
 * StartupMessage.
 */
final class Connector {
  /**
   * libpq startup keys that go to the server; all other connection-string keys stay client-side.
   */
  private static final List<String> SERVER_PARAMS =
      List.of("options", "application_name", "client_encoding", "replication");

  private Connector() {}

  static Socket openSocket(ConnInfo info, Duration connectTimeout) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(info.connectHost());
    } catch (UnknownHostException e) {
      throw new WireException("could not resolve host \"" + info.connectHost() + "\"");
    }
    long timeoutMs = connectTimeout == null ? 0 : Math.max(1, connectTimeout.toMillis());
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    WireException last = null;
    for (InetAddress a : addresses) {
      int left = timeoutMs == 0 ? 0 : (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      // Direct, never through a SOCKS proxy that JVM properties could name: a Postgres connection
      // goes where its connection string says. It also spares the start the JDK's proxy selector
      // (about 1 ms at its first use in a fresh JVM).
      Socket socket = new Socket(Proxy.NO_PROXY);
      try {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(a, info.port()), left);
        return socket;
      } catch (SocketTimeoutException e) {
        WireClient.closeQuietly(socket);
        last = new WireException("timed out connecting to " + info.address());
      } catch (IOException e) {
        WireClient.closeQuietly(socket);
        last =
            new WireException("could not connect to " + info.address() + ": " + e.getMessage(), e);
      }
      if (timeoutMs != 0 && System.nanoTime() >= deadline) {
        break;
      }
    }
    throw last != null
        ? last
        : new WireException("no address for host \"" + info.connectHost() + "\"");
  }

  static byte[] startupPacket(ConnInfo info, String user, Map<String, String> extra) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("user", user);
    if (info.dbname() != null) {
      params.put("database", info.dbname());
    }
    String fallbackApp = info.param("fallback_application_name");
    if (fallbackApp != null && info.param("application_name") == null) {
      params.put("application_name", fallbackApp);
    }
    for (String key : SERVER_PARAMS) {
      if (info.param(key) != null) {
        params.put(key, info.param(key));
      }
    }
    if (extra != null) {
      params.putAll(extra);
    }
    MessageBuilder b = new MessageBuilder().int32(196608);
    params.forEach((k, v) -> b.cstring(k).cstring(v));
    return b.byte1(0).toBytes();
  }
}
