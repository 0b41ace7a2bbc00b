package computectl.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import computectl.util.UtcTime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request of a {@link SelectorServer}, seen through the JDK's {@link HttpExchange} API so that
 * the handlers need not know which server runs them. The request has arrived whole; the response is
 * framed as the JDK server frames it (a length of -1 means no body, 0 a chunked body, more a fixed
 * length; HEAD and 1xx/204/304 answers carry none).
 */
final class Exchange extends HttpExchange {
  private static final int CHUNK = 16 * 1024;

  private final ClientConnection connection;
  private final RequestHead head;
  private final Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new HashMap<>();
  private InputStream requestBody;
  private OutputStream responseBody = new Unsent();
  private int code = -1;
  private boolean closed;

  Exchange(ClientConnection connection, RequestHead head, byte[] body) {
    this.connection = connection;
    this.head = head;
    this.requestBody = new ByteArrayInputStream(body);
  }

  ClientConnection connection() {
    return connection;
  }

  @Override
  public Headers getRequestHeaders() {
    return head.headers();
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return head.uri();
  }

  @Override
  public String getRequestMethod() {
    return head.method();
  }

  /** No contexts here: the server has one handler. */
  @Override
  public HttpContext getHttpContext() {
    return null;
  }

  @Override
  public InputStream getRequestBody() {
    return requestBody;
  }

  @Override
  public OutputStream getResponseBody() {
    return responseBody;
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    if (code != -1) {
      throw new IOException("headers already sent");
    }
    code = rCode;
    boolean noBody =
        head.method().equals("HEAD")
            || (rCode >= 100 && rCode < 200)
            || rCode == 204
            || rCode == 304
            || responseLength == -1;
    boolean http10 = head.version().equalsIgnoreCase("HTTP/1.0");
    boolean close =
        !head.keepAlive()
            || connection.closesAfterResponse()
            || (http10 && responseLength == 0 && !noBody)
            || hasToken(responseHeaders.get("Connection"), "close");
    if (close) {
      responseHeaders.set("Connection", "close");
    } else if (http10) {
      responseHeaders.set("Connection", "keep-alive");
    }
    responseHeaders.set("Date", UtcTime.httpDate(Instant.now()));
    if (noBody) {
      if (!head.method().equals("HEAD") && rCode >= 200 && rCode != 204 && rCode != 304) {
        responseHeaders.set("Content-length", "0");
      }
      responseBody = new FixedBody(headBytes(rCode), 0, close);
    } else if (responseLength > 0) {
      responseHeaders.set("Content-length", Long.toString(responseLength));
      responseBody = new FixedBody(headBytes(rCode), responseLength, close);
    } else if (http10) {
      responseBody = new StreamedBody(headBytes(rCode), false, close);
    } else {
      responseHeaders.set("Transfer-encoding", "chunked");
      responseBody = new StreamedBody(headBytes(rCode), true, close);
    }
    if (noBody) {
      responseBody.close();
    }
  }

  private static boolean hasToken(List<String> values, String token) {
    if (values != null) {
      for (String v : values) {
        for (String t : v.split(",")) {
          if (t.trim().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private byte[] headBytes(int rCode) {
    StringBuilder b = new StringBuilder(256);
    b.append("HTTP/1.1 ").append(rCode).append(reason(rCode)).append("\r\n");
    for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
      for (String v : e.getValue()) {
        b.append(e.getKey()).append(": ").append(v).append("\r\n");
      }
    }
    return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The reason phrase with its leading space, as the JDK server writes it. */
  static String reason(int code) {
    return switch (code) {
      case 100 -> " Continue";
      case 200 -> " OK";
      case 201 -> " Created";
      case 202 -> " Accepted";
      case 204 -> " No Content";
      case 304 -> " Not Modified";
      case 400 -> " Bad Request";
      case 401 -> " Unauthorized";
      case 403 -> " Forbidden";
      case 404 -> " Not Found";
      case 405 -> " Method Not Allowed";
      case 408 -> " Request Time-out";
      case 409 -> " Conflict";
      case 412 -> " Precondition Failed";
      case 413 -> " Request Entity Too Large";
      case 415 -> " Unsupported Media Type";
      case 422 -> " Unprocessable Entity";
      case 429 -> " Too Many Requests";
      case 500 -> " Internal Server Error";
      case 501 -> " Not Implemented";
      case 502 -> " Bad Gateway";
      case 503 -> " Service Unavailable";
      case 504 -> " Gateway Timeout";
      default -> " ";
    };
  }

  /**
   * Ends the exchange: an answer not sent closes the connection (as the JDK server does), a body
   * not finished is finished or, when it cannot be, the connection closed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      requestBody.close();
      if (code == -1) {
        connection.close();
        return;
      }
      responseBody.close();
    } catch (IOException e) {
      connection.close();
    }
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return connection.remote();
  }

  @Override
  public int getResponseCode() {
    return code;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return connection.local();
  }

  @Override
  public String getProtocol() {
    return head.version();
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    if (i != null) {
      requestBody = i;
    }
    if (o != null) {
      responseBody = o;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  /** The body before {@link #sendResponseHeaders}: nothing can be written yet. */
  private static final class Unsent extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      throw new IOException("response headers not sent yet");
    }

    @Override
    public void close() {}
  }

  /**
   * A body of a known length, held until complete and sent with the head in one write (the answers
   * here are small; one write is one packet).
   */
  private final class FixedBody extends OutputStream {
    private final byte[] headBytes;
    private final long length;
    private final boolean close;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private boolean done;

    FixedBody(byte[] headBytes, long length, boolean close) {
      this.headBytes = headBytes;
      this.length = length;
      this.close = close;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (done) {
        throw new IOException("stream is closed");
      }
      if (buf.size() + (long) len > length) {
        throw new IOException("too many bytes to write to stream");
      }
      buf.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      if (buf.size() != length) {
        throw new IOException("insufficient bytes written to stream");
      }
      connection.send(
          new ByteBuffer[] {ByteBuffer.wrap(headBytes), ByteBuffer.wrap(buf.toByteArray())}, false);
      connection.exchangeDone(close);
    }
  }

  /** A body of unknown length: chunked, or for HTTP/1.0 up to the end of the connection. */
  private final class StreamedBody extends OutputStream {
    private byte[] headBytes;
    private final boolean chunked;
    private final boolean close;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private boolean done;

    StreamedBody(byte[] headBytes, boolean chunked, boolean close) {
      this.headBytes = headBytes;
      this.chunked = chunked;
      this.close = close;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (done) {
        throw new IOException("stream is closed");
      }
      buf.write(b, off, len);
      if (buf.size() >= CHUNK) {
        flush();
      }
    }

    @Override
    public void flush() throws IOException {
      if (buf.size() == 0 && headBytes == null) {
        return;
      }
      send(false);
    }

    private void send(boolean last) throws IOException {
      byte[] data = buf.toByteArray();
      buf.reset();
      ByteBuffer[] parts = new ByteBuffer[4];
      parts[0] = ByteBuffer.wrap(headBytes == null ? new byte[0] : headBytes);
      headBytes = null;
      String size = chunked && data.length > 0 ? Integer.toHexString(data.length) + "\r\n" : "";
      parts[1] = ByteBuffer.wrap(size.getBytes(StandardCharsets.US_ASCII));
      parts[2] = ByteBuffer.wrap(data);
      String end =
          (chunked && data.length > 0 ? "\r\n" : "") + (chunked && last ? "0\r\n\r\n" : "");
      parts[3] = ByteBuffer.wrap(end.getBytes(StandardCharsets.US_ASCII));
      connection.send(parts, true);
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      send(true);
      connection.exchangeDone(close || !chunked);
    }
  }
}
