package computectl.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Opening the TCP connection. */
class Connector_Test {
  /**
   * A SOCKS proxy named by JVM properties, which {@code java.net.Socket} honours by default for
   * every host but loopback, would carry the connection somewhere its connection string does not
   * say: here to a port where nothing listens, so a proxied connect fails.
   */
  @Test
  void openSocket_ignoresJvmSocksProxySettings() throws IOException {
    InetAddress local = nonLoopbackAddress();
    assumeTrue(local != null, "this machine has no non-loopback IPv4 address");
    try (ServerSocket server = new ServerSocket(0, 1, local)) {
      System.setProperty("socksProxyHost", "127.0.0.1");
      System.setProperty("socksProxyPort", Integer.toString(TestPg.freePort()));
      ConnInfo info =
          ConnInfo.parse(
              "postgresql://u@" + local.getHostAddress() + ":" + server.getLocalPort() + "/db");
      try (Socket s = Connector.openSocket(info, Duration.ofSeconds(5))) {
        assertEquals(server.getLocalPort(), s.getPort());
        assertEquals(local, s.getInetAddress());
      } finally {
        System.clearProperty("socksProxyHost");
        System.clearProperty("socksProxyPort");
      }
    }
  }

  private static InetAddress nonLoopbackAddress() throws SocketException {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return a;
        }
      }
    }
    return null;
  }
}
