package computectl.tar;

import computectl.util.Ascii;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pax extended header records: {@code "<length> <key>=<value>\n"}, the length counting the whole
 * record in bytes. Parsing is strict, since a lenient parser would let a crafted header mean
 * different things to us and to the tools that made or check the archive.
 */
final class PaxRecords {
  private PaxRecords() {}

  static Map<String, String> parse(byte[] data, String headerName, long headerOffset) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < data.length) {
      if (data[i] == 0) {
        break; // some writers pad the header with NULs
      }
      int space = i;
      long length = 0;
      while (space < data.length
          && data[space] >= '0'
          && data[space] <= '9'
          && length < data.length) {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space == i
          || space >= data.length
          || data[space] != ' '
          || length <= space - i + 1
          || i + length > data.length
          || data[(int) (i + length - 1)] != '\n') {
        throw malformed(headerName, headerOffset, i);
      }
      int end = (int) (i + length - 1);
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      if (eq == space + 1 || eq >= end) {
        throw malformed(headerName, headerOffset, i);
      }
      String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
      String value = TarFormat.utf8(slice(data, eq + 1, end), "pax value of " + key, headerOffset);
      out.put(key, value);
      i = end + 1;
    }
    return out;
  }

  private static byte[] slice(byte[] data, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(data, from, out, 0, out.length);
    return out;
  }

  private static TarException malformed(String headerName, long headerOffset, int at) {
    return TarException.entry(
        headerName,
        "malformed pax record at byte "
            + at
            + " of the extended header at byte offset "
            + headerOffset);
  }

  static long size(String value, String path) {
    if (!Ascii.isDigits(value, 19)) {
      throw TarException.entry(path, "invalid pax size \"" + TarException.printable(value) + "\"");
    }
    return Long.parseLong(value);
  }

  /** Decimal seconds with an optional fraction and sign; the fraction is dropped (floor). */
  static long mtime(String value, String path) {
    if (!value.matches("-?[0-9]{1,19}(\\.[0-9]{0,19})?")) {
      throw TarException.entry(path, "invalid pax mtime \"" + TarException.printable(value) + "\"");
    }
    try {
      return new BigDecimal(value).setScale(0, RoundingMode.FLOOR).longValueExact();
    } catch (ArithmeticException e) {
      throw TarException.entry(path, "invalid pax mtime \"" + value + "\"");
    }
  }

  /** One record, its length prefix counting itself. */
  static byte[] record(String key, String value) {
    byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    int len = body.length;
    int digits = Integer.toString(len).length();
    while (Integer.toString(len + digits).length() != digits) {
      digits++;
    }
    byte[] prefix = Integer.toString(len + digits).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }
}
