package computectl.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client on a plain socket (one request per connection). The bench times boots
 * to the millisecond, so it avoids a client with its own thread pools and start-up cost.
 */
final class RawHttp {
  record Response(int status, String body) {}

  private RawHttp() {}

  static Response get(int port, String path, int timeoutMillis) throws IOException {
    return send(port, "GET", path, null, timeoutMillis);
  }

  static Response post(int port, String path, String body, int timeoutMillis) throws IOException {
    return send(port, "POST", path, body, timeoutMillis);
  }

  static Response send(int port, String method, String path, String body, int timeoutMillis)
      throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nConnection: close\r\n"
              + (body == null
                  ? ""
                  : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n")
              + "\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      return parse(s.getInputStream());
    }
  }

  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    in.transferTo(buf);
    String all = buf.toString(StandardCharsets.UTF_8);
    int sp = all.indexOf(' ');
    int headEnd = all.indexOf("\r\n\r\n");
    if (sp < 0 || headEnd < 0) {
      throw new IOException("malformed HTTP response: " + all);
    }
    int status = Integer.parseInt(all.substring(sp + 1, sp + 4));
    String head = all.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
    String body = all.substring(headEnd + 4);
    if (head.contains("transfer-encoding: chunked")) {
      body = unchunk(body);
    }
    return new Response(status, body);
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (pos < chunked.length()) {
      int eol = chunked.indexOf("\r\n", pos);
      int size = Integer.parseInt(chunked.substring(pos, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      pos = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
