package computectl.vmmonitor;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hand-made WebSocket client on a plain socket, for what the JDK client hides or refuses to do:
 * reading the 101 headers and sending broken frames.
 */
final class RawClient implements AutoCloseable {
  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  /** One frame as the server sent it. */
  record Frame(boolean fin, boolean masked, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    // Generous: a loaded machine may be slow to answer; a server that never does still fails.
    socket.setSoTimeout(60_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends raw request bytes and returns the response head (up to the blank line). */
  String request(String head) throws IOException {
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return responseHead();
  }

  String upgrade(String... extraHeaders) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "GET /monitor HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + KEY
                + "\r\n"
                + "User-Agent: Go-http-client/1.1\r\n");
    for (String h : extraHeaders) {
      sb.append(h).append("\r\n");
    }
    return request(sb.append("\r\n").toString());
  }

  /** Upgrades and completes the v1.0 handshake. */
  void handshake() throws IOException {
    String head = upgrade();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head);
    }
    text("{\"min\":1,\"max\":1}\n");
    Frame f = readFrame();
    if (f == null || !f.text().equals("{\"version\":1}")) {
      throw new IOException("no version answer");
    }
  }

  private String responseHead() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      buf.write(b);
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  void text(String s) throws IOException {
    frame(0x81, true, s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes one frame with first byte {@code b0}, masked or not. */
  void frame(int b0, boolean masked, byte[] payload) throws IOException {
    frameHeader(b0, masked, payload.length);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    if (masked) {
      out.write(mask);
    }
    byte[] body = payload.clone();
    for (int i = 0; masked && i < body.length; i++) {
      body[i] ^= mask[i & 3];
    }
    out.write(body);
    out.flush();
  }

  /** Only the header of a frame announcing {@code length} bytes (for oversize tests). */
  void frameHeader(int b0, boolean masked, long length) throws IOException {
    out.write(b0);
    int m = masked ? 0x80 : 0;
    if (length < 126) {
      out.write(m | (int) length);
    } else if (length <= 0xFFFF) {
      out.write(m | 126);
      out.write((int) (length >> 8));
      out.write((int) length);
    } else {
      out.write(m | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) (length >> (8 * i)));
      }
    }
    out.flush();
  }

  /** The next frame, or null at end of stream. */
  Frame readFrame() throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    int b1 = in.read();
    long len = b1 & 0x7F;
    if (len == 126) {
      len = ((long) in.read() << 8) | in.read();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | in.read();
      }
    }
    byte[] payload = in.readNBytes((int) len);
    if (payload.length != len) {
      throw new EOFException("short frame");
    }
    return new Frame((b0 & 0x80) != 0, (b1 & 0x80) != 0, b0 & 0x0F, payload);
  }

  /** True if the server ends the stream (after any frames) within the socket timeout. */
  boolean endsStream() throws IOException {
    try {
      while (in.read() >= 0) {
        // skip
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
