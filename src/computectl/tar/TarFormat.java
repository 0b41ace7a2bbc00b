package computectl.tar;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The 512-byte tar header layout shared by the reader and the writer: field offsets, numeric fields
 * (octal, or GNU base-256 when the high bit of the first byte is set) and the checksum.
 */
final class TarFormat {
  static final int BLOCK = 512;

  static final int NAME = 0;
  static final int NAME_LEN = 100;
  static final int MODE = 100;
  static final int UID = 108;
  static final int GID = 116;
  static final int SIZE = 124;
  static final int MTIME = 136;
  static final int CHECKSUM = 148;
  static final int CHECKSUM_LEN = 8;
  static final int TYPE = 156;
  static final int LINK_NAME = 157;
  static final int LINK_NAME_LEN = 100;
  static final int MAGIC = 257;
  static final int UNAME = 265;
  static final int GNAME = 297;
  static final int PREFIX = 345;
  static final int PREFIX_LEN = 155;

  /** The largest value an 11-digit octal size or mtime field holds. */
  static final long MAX_OCTAL_12 = 077777777777L;

  private TarFormat() {}

  static boolean isZeroBlock(byte[] h) {
    for (int i = 0; i < BLOCK; i++) {
      if (h[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sum of the header bytes, the checksum field counted as spaces; unsigned and signed (old tars).
   */
  static long[] checksums(byte[] h) {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = h[i];
      unsigned += b & 0xff;
      signed += b;
    }
    // The field itself counts as spaces: corrected afterwards, which keeps the loop over all 512
    // bytes free of tests (every header runs it, interpreted for the first ones of a cold start).
    for (int i = CHECKSUM; i < CHECKSUM + CHECKSUM_LEN; i++) {
      unsigned += ' ' - (h[i] & 0xff);
      signed += ' ' - h[i];
    }
    return new long[] {unsigned, signed};
  }

  /**
   * A numeric field: base-256 (two's complement after the marker bit) when the first byte has its
   * high bit set, else octal digits with optional leading spaces, ended by space or NUL.
   */
  static long parseNumber(byte[] h, int off, int len, String field, long headerOffset) {
    if ((h[off] & 0x80) != 0) {
      byte[] v = new byte[len];
      System.arraycopy(h, off, v, 0, len);
      v[0] = (byte) ((v[0] & 0x7f) | ((v[0] & 0x40) << 1));
      BigInteger n = new BigInteger(v);
      if (n.bitLength() > 63) {
        throw new TarException(
            "base-256 "
                + field
                + " field out of range in tar header at byte offset "
                + headerOffset);
      }
      return n.longValue();
    }
    int i = off;
    int end = off + len;
    while (i < end && h[i] == ' ') {
      i++;
    }
    long value = 0;
    for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
      int d = h[i] - '0';
      if (d < 0 || d > 7 || value > (Long.MAX_VALUE >> 3)) {
        throw new TarException(
            "invalid octal number in "
                + field
                + " field of tar header at byte offset "
                + headerOffset);
      }
      value = (value << 3) | d;
    }
    return value;
  }

  static boolean fitsOctal(long value, int len) {
    return value >= 0 && (len - 1) * 3 >= 64 - Long.numberOfLeadingZeros(value);
  }

  /** Octal with {@code len-1} digits and a NUL, or base-256 when it does not fit (or is forced). */
  static void putNumber(byte[] h, int off, int len, long value, boolean forceBase256) {
    if (!forceBase256 && fitsOctal(value, len)) {
      putOctal(h, off, len - 1, value);
      h[off + len - 1] = 0;
      return;
    }
    long v = value;
    for (int i = off + len - 1; i > off; i--) {
      h[i] = (byte) v;
      v >>= 8;
    }
    h[off] = (byte) (value < 0 ? 0xff : 0x80);
  }

  static void putOctal(byte[] h, int off, int digits, long value) {
    long v = value;
    for (int i = off + digits - 1; i >= off; i--) {
      h[i] = (byte) ('0' + (v & 7));
      v >>>= 3;
    }
  }

  /** Stores the checksum as GNU tar does: six octal digits, NUL, space. */
  static void putChecksum(byte[] h, long sum) {
    putOctal(h, CHECKSUM, 6, sum);
    h[CHECKSUM + 6] = 0;
    h[CHECKSUM + 7] = ' ';
  }

  /** The bytes of a NUL-terminated (or full-width) field. */
  static byte[] fieldBytes(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    byte[] out = new byte[end - off];
    System.arraycopy(h, off, out, 0, out.length);
    return out;
  }

  /**
   * Strict UTF-8: a name that is not valid UTF-8 cannot be reproduced on disk, so it is refused.
   */
  static String utf8(byte[] bytes, String what, long headerOffset) {
    if (isAscii(bytes)) {
      // Every name in a basebackup: no decoder object per header, which a cold start would build
      // and run interpreted a thousand times.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TarException(
          what + " in tar header at byte offset " + headerOffset + " is not valid UTF-8");
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  static boolean startsWith(byte[] h, int off, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (h[off + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static long padding(long size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
  }
}
