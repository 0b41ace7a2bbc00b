package computectl.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded byte-level mutations in the spirit of AFL's havoc stage: bit flips, interesting bytes and
 * integers, inserts, deletes, duplicated and repeated chunks (deep nesting, long names),
 * truncation, splices from other corpus entries, number rewrites and dictionary tokens. The same
 * random source gives the same result, which is what makes a seed a reproducible case.
 */
public final class Mutator {
  private static final byte[] INTERESTING_BYTES = {
    0,
    1,
    0x7F,
    (byte) 0x80,
    (byte) 0xFF,
    '0',
    '7',
    '9',
    '"',
    '\\',
    '{',
    '[',
    ']',
    '}',
    ',',
    ':',
    '\n',
    '/',
    '.',
    ' ',
    'x',
    (byte) 0xC3,
    (byte) 0xE2
  };
  private static final long[] INTERESTING_INTS = {
    0,
    1,
    -1,
    127,
    128,
    255,
    256,
    511,
    512,
    4095,
    4096,
    65535,
    65536,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    0x7FFFFFF0L,
    1L << 31,
    1L << 32,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };
  private static final String[] NUMBERS = {
    "0",
    "-0",
    "-1",
    "1",
    "7",
    "8",
    "9",
    "077777777777",
    "99999999999",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e308",
    "1e999",
    "-1e-999",
    "0.5",
    "1.0",
    "NaN",
    "0x10",
    "18446744073709551616",
    "00000000000"
  };

  private final List<byte[]> corpus;
  private final List<byte[]> dictionary;
  private final int maxSize;

  /**
   * @param corpus splice sources
   * @param dictionary tokens worth inserting for this format (keys, keywords, hostile names)
   * @param maxSize inputs are cut to this length
   */
  public Mutator(List<byte[]> corpus, List<String> dictionary, int maxSize) {
    this.corpus = List.copyOf(corpus);
    this.dictionary = dictionary.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    this.maxSize = maxSize;
  }

  /** One random mutation of {@code in} (never modified). */
  public byte[] mutate(byte[] in, SplittableRandom r) {
    byte[] out =
        switch (r.nextInt(15)) {
          case 0 -> flipBit(in, r);
          case 1 -> setByte(in, r, (byte) r.nextInt(256));
          case 2 -> setByte(in, r, INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]);
          case 3 -> interestingInt(in, r);
          case 4 -> insert(in, r.nextInt(in.length + 1), randomBytes(r, 1 + r.nextInt(16)));
          case 5 -> delete(in, r);
          case 6 -> duplicate(in, r);
          case 7 -> repeat(in, r);
          case 8 -> in.length == 0 ? in : Arrays.copyOf(in, r.nextInt(in.length));
          case 9 -> splice(in, r);
          case 10 -> rewriteNumber(in, r);
          case 11 ->
              dictionary.isEmpty()
                  ? flipBit(in, r)
                  : insert(
                      in, r.nextInt(in.length + 1), dictionary.get(r.nextInt(dictionary.size())));
          case 12 ->
              dictionary.isEmpty()
                  ? flipBit(in, r)
                  : overwrite(
                      in, r.nextInt(in.length + 1), dictionary.get(r.nextInt(dictionary.size())));
          case 13 -> swapChunks(in, r);
          default -> dictionary.isEmpty() ? repeat(in, r) : repeatToken(in, r);
        };
    return out.length > maxSize ? Arrays.copyOf(out, maxSize) : out;
  }

  static byte[] flipBit(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return new byte[] {(byte) r.nextInt(256)};
    }
    byte[] out = in.clone();
    int i = r.nextInt(out.length);
    out[i] ^= (byte) (1 << r.nextInt(8));
    return out;
  }

  static byte[] setByte(byte[] in, SplittableRandom r, byte value) {
    if (in.length == 0) {
      return new byte[] {value};
    }
    byte[] out = in.clone();
    out[r.nextInt(out.length)] = value;
    return out;
  }

  /** A 1, 2, 4 or 8 byte big- or little-endian integer over random bytes: length words, sizes. */
  static byte[] interestingInt(byte[] in, SplittableRandom r) {
    int width = 1 << r.nextInt(4);
    if (in.length < width) {
      return flipBit(in, r);
    }
    long v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)] + (r.nextInt(3) - 1);
    byte[] out = in.clone();
    int at = r.nextInt(in.length - width + 1);
    boolean big = r.nextBoolean();
    for (int i = 0; i < width; i++) {
      int shift = 8 * (big ? width - 1 - i : i);
      out[at + i] = (byte) (v >>> shift);
    }
    return out;
  }

  static byte[] insert(byte[] in, int at, byte[] what) {
    byte[] out = new byte[in.length + what.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(in, at, out, at + what.length, in.length - at);
    return out;
  }

  static byte[] overwrite(byte[] in, int at, byte[] what) {
    byte[] out = Arrays.copyOf(in, Math.max(in.length, at + what.length));
    System.arraycopy(what, 0, out, at, what.length);
    return out;
  }

  private static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  private static byte[] delete(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    int from = r.nextInt(in.length);
    int len = 1 + r.nextInt(Math.min(in.length - from, r.nextBoolean() ? 8 : 512));
    byte[] out = new byte[in.length - len];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(in, from + len, out, from, in.length - from - len);
    return out;
  }

  private static byte[] chunk(byte[] in, SplittableRandom r, int maxLen) {
    int from = r.nextInt(in.length);
    int len = 1 + r.nextInt(Math.min(in.length - from, maxLen));
    return Arrays.copyOfRange(in, from, from + len);
  }

  private static byte[] duplicate(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    return insert(in, r.nextInt(in.length + 1), chunk(in, r, 1024));
  }

  /** A short chunk repeated many times in place: deep nesting, long names, many entries. */
  private byte[] repeat(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    int at = r.nextInt(in.length);
    byte[] unit = chunk(in, r, 16);
    int times = 2 + r.nextInt(r.nextBoolean() ? 8 : 4000);
    times = Math.max(1, Math.min(times, (maxSize - in.length) / unit.length));
    byte[] many = new byte[unit.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(unit, 0, many, i * unit.length, unit.length);
    }
    return insert(in, at, many);
  }

  /** A dictionary token many times over: nesting past parser limits, paths past length limits. */
  private byte[] repeatToken(byte[] in, SplittableRandom r) {
    byte[] token = dictionary.get(r.nextInt(dictionary.size()));
    int times =
        Math.min(
            50 + r.nextInt(2000), Math.max(1, (maxSize - in.length) / Math.max(1, token.length)));
    byte[] many = new byte[token.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(token, 0, many, i * token.length, token.length);
    }
    return insert(in, r.nextInt(in.length + 1), many);
  }

  private byte[] splice(byte[] in, SplittableRandom r) {
    byte[] other = corpus.get(r.nextInt(corpus.size()));
    if (other.length == 0) {
      return in;
    }
    byte[] piece = chunk(other, r, 256);
    int at = r.nextInt(in.length + 1);
    return r.nextBoolean() ? insert(in, at, piece) : overwrite(in, at, piece);
  }

  /**
   * Replaces a run of ASCII digits (or inserts at random) with a number from a list of edge cases.
   */
  private static byte[] rewriteNumber(byte[] in, SplittableRandom r) {
    byte[] number = NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
    int start = -1;
    if (in.length > 0) {
      int probe = r.nextInt(in.length);
      for (int k = 0; k < in.length; k++) {
        int i = (probe + k) % in.length;
        if (in[i] >= '0' && in[i] <= '9') {
          start = i;
          break;
        }
      }
    }
    if (start < 0) {
      return insert(in, r.nextInt(in.length + 1), number);
    }
    while (start > 0 && in[start - 1] >= '0' && in[start - 1] <= '9') {
      start--;
    }
    int end = start;
    while (end < in.length && in[end] >= '0' && in[end] <= '9') {
      end++;
    }
    byte[] out = new byte[in.length - (end - start) + number.length];
    System.arraycopy(in, 0, out, 0, start);
    System.arraycopy(number, 0, out, start, number.length);
    System.arraycopy(in, end, out, start + number.length, in.length - end);
    return out;
  }

  private static byte[] swapChunks(byte[] in, SplittableRandom r) {
    if (in.length < 4) {
      return flipBit(in, r);
    }
    int len = 1 + r.nextInt(Math.min(64, in.length / 2));
    int a = r.nextInt(in.length - len + 1);
    int b = r.nextInt(in.length - len + 1);
    byte[] out = in.clone();
    System.arraycopy(in, a, out, b, len);
    System.arraycopy(in, b, out, a, len);
    return out;
  }
}
