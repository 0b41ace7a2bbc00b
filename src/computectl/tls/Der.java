package computectl.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** The few DER pieces needed to read a SEC1 EC key and wrap it as PKCS#8. */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;

  /** One element: its tag and content, and where the next element starts. */
  record Element(int tag, byte[] content, int end) {}

  private Der() {}

  /**
   * The element at {@code offset}; a malformed encoding throws {@link IllegalArgumentException}.
   */
  static Element read(byte[] der, int offset) {
    if (offset + 2 > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int tag = der[offset] & 0xff;
    int len = der[offset + 1] & 0xff;
    int pos = offset + 2;
    if (len > 0x80) {
      int n = len & 0x7f;
      if (n > 3 || pos + n > der.length) {
        throw new IllegalArgumentException("bad DER length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[pos++] & 0xff);
      }
    } else if (len == 0x80) {
      throw new IllegalArgumentException("indefinite DER length");
    }
    if (pos + len > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new Element(tag, Arrays.copyOfRange(der, pos, pos + len), pos + len);
  }

  static byte[] encode(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = body.size();
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
