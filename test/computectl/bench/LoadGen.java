package computectl.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A closed-loop HTTP/1.1 load generator: {@code connections} keep-alive connections on one selector
 * thread, each sending the next GET as soon as the previous response is complete. Used when {@code
 * wrk} is not installed.
 */
final class LoadGen {
  private final int port;
  private final String path;
  private final int connections;
  private long[] latencies = new long[1 << 16];
  private int count;
  private long errors;

  LoadGen(int port, String path, int connections) {
    this.port = port;
    this.path = path;
    this.connections = connections;
  }

  /** One connection's state: when its request went out and what has come back. */
  private static final class Conn {
    final SocketChannel ch;
    final ByteBuffer in = ByteBuffer.allocate(256 << 10);
    long sentAt;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }
  }

  LoadResult run(long millis) throws IOException {
    byte[] request =
        ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel ch =
            SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ch.configureBlocking(false);
        Conn c = new Conn(ch);
        ch.register(selector, SelectionKey.OP_READ, c);
        send(c, request);
      }
      long start = System.nanoTime();
      long end = start + millis * 1_000_000L;
      while (System.nanoTime() < end) {
        selector.select(100);
        for (SelectionKey k : selector.selectedKeys()) {
          onReadable((Conn) k.attachment(), request, k);
        }
        selector.selectedKeys().clear();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      long[] sorted = Arrays.copyOf(latencies, count);
      Arrays.sort(sorted);
      double p99 =
          count == 0
              ? Double.NaN
              : sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1e6;
      return new LoadResult(
          count / seconds,
          p99,
          count,
          errors,
          "bench load generator (" + connections + " connections)");
    }
  }

  private void send(Conn c, byte[] request) throws IOException {
    c.sentAt = System.nanoTime();
    ByteBuffer out = ByteBuffer.wrap(request);
    while (out.hasRemaining()) {
      c.ch.write(out);
    }
  }

  private void onReadable(Conn c, byte[] request, SelectionKey key) throws IOException {
    int n;
    try {
      n = c.ch.read(c.in);
    } catch (IOException e) {
      n = -1;
    }
    if (n < 0) {
      errors++;
      key.cancel();
      c.ch.close();
      return;
    }
    int complete = completeLength(c.in);
    if (complete < 0) {
      return;
    }
    boolean ok = c.in.get(9) == '2';
    record(System.nanoTime() - c.sentAt, ok);
    c.in.clear();
    send(c, request);
  }

  private void record(long nanos, boolean ok) {
    if (!ok) {
      errors++;
      return;
    }
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, count * 2);
    }
    latencies[count++] = nanos;
  }

  /**
   * The length of the response when it is complete in {@code buf} (position = bytes read), else -1.
   */
  static int completeLength(ByteBuffer buf) {
    if (buf.arrayOffset() != 0) {
      throw new IllegalArgumentException("the buffer must start at its array's first byte");
    }
    int len = buf.position();
    byte[] a = buf.array();
    int headEnd = indexOf(a, len, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headEnd < 0) {
      return -1;
    }
    String head =
        new String(a, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    int cl = head.indexOf("content-length:");
    if (cl >= 0) {
      int eol = head.indexOf("\r\n", cl);
      int bodyLen = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
      return len >= headEnd + 4 + bodyLen ? headEnd + 4 + bodyLen : -1;
    }
    int last = indexOf(a, len, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headEnd + 2);
    return last < 0 ? -1 : last + 7;
  }

  private static int indexOf(byte[] a, int len, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
