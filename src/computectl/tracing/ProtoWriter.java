package computectl.tracing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, as far as the OTLP trace messages need it: varints, fixed64, and
 * length-delimited fields (strings, bytes, nested messages). Fields equal to their default are left
 * out, as protobuf encoders do.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /** A varint field: enums, uint32, int64 (two's complement, as protobuf writes negatives). */
  ProtoWriter varint(int field, long value) {
    if (value != 0) {
      tag(field, VARINT);
      rawVarint(value);
    }
    return this;
  }

  /**
   * A varint member of a oneof: written even when 0, since in a oneof presence is the value's kind.
   */
  ProtoWriter oneofVarint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  /** A fixed64 member of a oneof, written even when 0. */
  ProtoWriter oneofFixed64(int field, long value) {
    tag(field, FIXED64);
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
    return this;
  }

  /** A string member of a oneof, written even when empty. */
  ProtoWriter oneofString(int field, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    tag(field, LENGTH_DELIMITED);
    rawVarint(b.length);
    out.writeBytes(b);
    return this;
  }

  ProtoWriter fixed64(int field, long value) {
    return value == 0 ? this : oneofFixed64(field, value);
  }

  ProtoWriter string(int field, String value) {
    if (value != null && !value.isEmpty()) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  ProtoWriter bytes(int field, byte[] value) {
    if (value != null && value.length > 0) {
      tag(field, LENGTH_DELIMITED);
      rawVarint(value.length);
      out.writeBytes(value);
    }
    return this;
  }

  /** A nested message, written even when empty (its presence can mean something). */
  ProtoWriter message(int field, ProtoWriter nested) {
    byte[] b = nested.toByteArray();
    tag(field, LENGTH_DELIMITED);
    rawVarint(b.length);
    out.writeBytes(b);
    return this;
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
