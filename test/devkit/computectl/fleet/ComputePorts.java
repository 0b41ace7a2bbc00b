package computectl.fleet;

import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A compute's own loopback ports: Postgres, the external HTTP API (metrics), the internal one. */
public record ComputePorts(int postgres, int external, int internal) {
  static ComputePorts allocate() {
    return new ComputePorts(freePort(), freePort(), freePort());
  }

  /** A loopback port nothing listens on right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new ComputeCtlException("cannot find a free loopback port: " + e.getMessage(), e);
    }
  }
}
