package computectl.pgwire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the body of a protocol message: network byte order integers, NUL-terminated UTF-8 strings.
 */
public final class MessageBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  public MessageBuilder byte1(int b) {
    out.write(b);
    return this;
  }

  public MessageBuilder int16(int v) {
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
    return this;
  }

  public MessageBuilder int32(int v) {
    out.write((v >>> 24) & 0xFF);
    out.write((v >>> 16) & 0xFF);
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
    return this;
  }

  public MessageBuilder cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
    out.write(0);
    return this;
  }

  public MessageBuilder bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  /** A length-prefixed byte string (int32 length, -1 for null): DataRow values, SASL data. */
  public MessageBuilder lengthPrefixed(byte[] b) {
    if (b == null) {
      return int32(-1);
    }
    int32(b.length);
    return bytes(b);
  }

  public byte[] toBytes() {
    return out.toByteArray();
  }
}
