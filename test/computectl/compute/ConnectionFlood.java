package computectl.compute;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections to one loopback port that take a server's places without ever finishing a
 * request: some sent half a request head (and trickle a byte now and then), some sent nothing. A
 * connection the server closes (past its cap) just stops counting here.
 */
final class ConnectionFlood implements AutoCloseable {
  private final List<Socket> halfHeads = new ArrayList<>();
  private final List<Socket> idle = new ArrayList<>();
  private int refused;

  private ConnectionFlood() {}

  static ConnectionFlood open(int port, String halfHead, int halfHeads, int idle) {
    ConnectionFlood f = new ConnectionFlood();
    byte[] head = halfHead.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < halfHeads + idle; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        if (i < halfHeads) {
          s.getOutputStream().write(head);
          f.halfHeads.add(s);
        } else {
          f.idle.add(s);
        }
      } catch (IOException e) {
        f.refused++;
        closeQuietly(s);
      }
    }
    return f;
  }

  /** One more header byte on {@code n} of the half heads, a different slice each step. */
  void trickle(int step, int n) {
    for (int i = 0; i < n && !halfHeads.isEmpty(); i++) {
      Socket s = halfHeads.get((step * n + i) % halfHeads.size());
      try {
        s.getOutputStream().write('a');
      } catch (IOException e) {
        // closed by the server to make room: it no longer holds a place
      }
    }
  }

  /** Closes {@code n} half heads mid-way, as clients that give up do. */
  void cutSome(int n) {
    for (int i = 0; i < n && !halfHeads.isEmpty(); i++) {
      closeQuietly(halfHeads.remove(halfHeads.size() - 1));
    }
  }

  int refused() {
    return refused;
  }

  @Override
  public void close() {
    halfHeads.forEach(ConnectionFlood::closeQuietly);
    idle.forEach(ConnectionFlood::closeQuietly);
    halfHeads.clear();
    idle.clear();
  }

  /**
   * Sends {@code request} on a fresh connection and returns the first line of the answer (or what
   * went wrong), waiting at most {@code wait}.
   */
  static String ask(int port, String request, Duration wait) {
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) wait.toMillis());
      s.setSoTimeout((int) wait.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\r' && b != '\n'; b = in.read()) {
        line.append((char) b);
      }
      return line.length() == 0 ? "closed without an answer" : line.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
