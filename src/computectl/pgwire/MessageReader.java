package computectl.pgwire;

import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one message body; running past its end is a protocol error naming the
 * message.
 */
public final class MessageReader {
  private final byte[] body;
  private final String what;
  private int pos;

  public MessageReader(byte[] body, String what) {
    this.body = body;
    this.what = what;
  }

  public int remaining() {
    return body.length - pos;
  }

  public int byte1() {
    need(1);
    return body[pos++] & 0xFF;
  }

  public int int16() {
    need(2);
    int v = ((body[pos] & 0xFF) << 8) | (body[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public int int32() {
    need(4);
    int v =
        ((body[pos] & 0xFF) << 24)
            | ((body[pos + 1] & 0xFF) << 16)
            | ((body[pos + 2] & 0xFF) << 8)
            | (body[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public String cstring() {
    int end = pos;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    if (end >= body.length) {
      throw new WireException("malformed " + what + " message: unterminated string");
    }
    String s = new String(body, pos, end - pos, StandardCharsets.UTF_8);
    pos = end + 1;
    return s;
  }

  public byte[] bytes(int n) {
    if (n < 0) {
      throw new WireException("malformed " + what + " message: negative length " + n);
    }
    need(n);
    byte[] b = new byte[n];
    System.arraycopy(body, pos, b, 0, n);
    pos += n;
    return b;
  }

  public byte[] rest() {
    return bytes(remaining());
  }

  private void need(int n) {
    if (remaining() < n) {
      throw new WireException(
          "malformed "
              + what
              + " message: "
              + n
              + " more bytes expected, "
              + remaining()
              + " left");
    }
  }
}
