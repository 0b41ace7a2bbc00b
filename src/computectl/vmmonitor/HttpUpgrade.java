package computectl.vmmonitor;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 side of the WebSocket opening handshake (RFC 6455 section 4.2): reads the request,
 * decides, and writes either {@code 101 Switching Protocols} (no subprotocol, no extensions) or a
 * small error response.
 */
final class HttpUpgrade {
  static final String PATH = "/monitor";
  static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  static final int MAX_HEAD_BYTES = 8192;

  private HttpUpgrade() {}

  /** The request head; header names are lower case, repeated headers keep every value. */
  record Request(String method, String target, String version, Map<String, List<String>> headers) {
    List<String> all(String name) {
      return headers.getOrDefault(name, List.of());
    }

    /** Every comma-separated token of every value of a header, lower case. */
    List<String> tokens(String name) {
      List<String> out = new ArrayList<>();
      for (String v : all(name)) {
        for (String t : v.split(",")) {
          out.add(t.trim().toLowerCase(Locale.ROOT));
        }
      }
      return out;
    }
  }

  /** The decision: status 101 with the accept value, or an error status with its extra headers. */
  record Verdict(int status, String reason, List<String> extraHeaders, String accept) {
    boolean upgrade() {
      return status == 101;
    }
  }

  /** A request that cannot be parsed as HTTP; answered with 400. */
  static final class BadRequestException extends IOException {
    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
      super(message);
    }
  }

  static Request read(InputStream in) throws IOException {
    int[] budget = {MAX_HEAD_BYTES};
    String requestLine = line(in, budget);
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
      throw new BadRequestException("malformed request line");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String l = line(in, budget); !l.isEmpty(); l = line(in, budget)) {
      int colon = l.indexOf(':');
      if (colon <= 0 || Character.isWhitespace(l.charAt(0))) {
        throw new BadRequestException("malformed header line");
      }
      headers
          .computeIfAbsent(
              l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(l.substring(colon + 1).trim());
    }
    return new Request(parts[0], parts[1], parts[2], headers);
  }

  private static String line(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the HTTP request");
      }
      if (--budget[0] < 0) {
        throw new BadRequestException("request head larger than " + MAX_HEAD_BYTES + " bytes");
      }
      if (b == '\n') {
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(b);
    }
  }

  static Verdict check(Request r) {
    String path =
        r.target().contains("?") ? r.target().substring(0, r.target().indexOf('?')) : r.target();
    if (!path.equals(PATH)) {
      return reject(404, "Not Found");
    }
    if (!r.method().equals("GET")) {
      return new Verdict(405, "Method Not Allowed", List.of("Allow: GET"), null);
    }
    if (!r.version().equals("HTTP/1.1")) {
      return reject(400, "Bad Request");
    }
    if (!r.tokens("connection").contains("upgrade") || !r.tokens("upgrade").contains("websocket")) {
      return new Verdict(
          426, "Upgrade Required", List.of("Connection: Upgrade", "Upgrade: websocket"), null);
    }
    if (!r.tokens("sec-websocket-version").contains("13")) {
      return new Verdict(426, "Upgrade Required", List.of("Sec-WebSocket-Version: 13"), null);
    }
    List<String> keys = r.all("sec-websocket-key");
    if (keys.size() != 1 || !isNonce(keys.get(0))) {
      return reject(400, "Bad Request");
    }
    return new Verdict(101, "Switching Protocols", List.of(), acceptKey(keys.get(0)));
  }

  private static Verdict reject(int status, String reason) {
    return new Verdict(status, reason, List.of(), null);
  }

  private static boolean isNonce(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** base64(SHA-1(key + GUID)). */
  static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder()
          .encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from the JDK", e);
    }
  }

  static void write(OutputStream out, Verdict v) throws IOException {
    StringBuilder sb =
        new StringBuilder("HTTP/1.1 ")
            .append(v.status())
            .append(' ')
            .append(v.reason())
            .append("\r\n");
    String body = "";
    if (v.upgrade()) {
      sb.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
          .append(v.accept())
          .append("\r\n");
    } else {
      body = v.status() + " " + v.reason() + "\n";
      for (String h : v.extraHeaders()) {
        if (!h.startsWith("Connection:")) {
          sb.append(h).append("\r\n");
        }
      }
      sb.append("Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ")
          .append(body.length())
          .append("\r\n");
    }
    sb.append("\r\n").append(body);
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }
}
