package computectl.fleet;

import computectl.standin.Ports;
import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A compute's own loopback ports: Postgres, the external HTTP API (metrics), the internal one. */
public record ComputePorts(int postgres, int external, int internal) {
  static ComputePorts allocate() {
    return new ComputePorts(Ports.reserve(), Ports.reserve(), Ports.reserve());
  }

  /**
   * A loopback port that refuses connections for as long as the returned socket stays open: bound
   * but never listening, so no one else can bind it and the kernel never hands it out as a local
   * port (a port that was merely closed could be taken by the next {@code bind(0)} or {@code
   * connect}). Close it when done.
   */
  static Socket refusingPort() {
    Socket s = new Socket();
    try {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ComputeCtlException("cannot bind a loopback port: " + e.getMessage(), e);
    }
  }
}
