package computectl.tracing;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

/**
 * The identity of a span in a trace, as W3C Trace Context carries it: a 16-byte trace id and an
 * 8-byte span id (both as lower-case hex), the sampled flag and the vendors' trace-state list.
 */
record SpanContext(String traceId, String spanId, boolean sampled, String traceState) {
  private static final Random RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /** A new root: a fresh trace, sampled (upstream samples every trace). */
  static SpanContext newRoot() {
    return new SpanContext(nonZero(16), nonZero(8), true, null);
  }

  /** A child in the same trace, with its own span id. */
  SpanContext child() {
    return new SpanContext(traceId, nonZero(8), sampled, traceState);
  }

  /**
   * The context in a {@code traceparent} header ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null
   * when the value is not one: an invalid header is ignored, as the W3C rules say, and the span
   * becomes a root.
   */
  static SpanContext parse(String traceparent, String state) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.trim().split("-", -1);
    if (parts.length < 4
        || parts[0].length() != 2
        || parts[0].equalsIgnoreCase("ff")
        || (parts[0].equals("00") && parts.length != 4)
        || parts[1].length() != 32
        || parts[2].length() != 16
        || parts[3].length() != 2) {
      return null;
    }
    try {
      HEX.parseHex(parts[0]);
      int flags = HEX.parseHex(parts[3])[0];
      if (allZero(HEX.parseHex(parts[1]))
          || allZero(HEX.parseHex(parts[2]))
          || !isLowerHex(parts[1] + parts[2])) {
        return null;
      }
      String vendors = state == null || state.isBlank() ? null : state.trim();
      return new SpanContext(parts[1], parts[2], (flags & 1) == 1, vendors);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** This context as a {@code traceparent} value. */
  String traceparent() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  /** An id as the OTLP messages carry it. */
  static byte[] bytes(String hexId) {
    return HEX.parseHex(hexId);
  }

  private static String nonZero(int n) {
    byte[] b = new byte[n];
    do {
      RANDOM.nextBytes(b);
    } while (allZero(b));
    return HEX.formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerHex(String s) {
    return s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
