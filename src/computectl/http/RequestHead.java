package computectl.http;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A request line and its header fields, parsed once the whole head has arrived, with the checks the
 * JDK server made: a bad request line, URI, header name or length is answered 400, a transfer
 * coding other than {@code chunked} 501; too many header fields close the connection unanswered.
 *
 * @param bodyLength the declared body length, 0 without one, {@link #CHUNKED} for a chunked body
 */
record RequestHead(
    String method, URI uri, String version, Headers headers, long bodyLength, boolean keepAlive) {
  static final long CHUNKED = -1;

  /** The JDK server's limit on header fields (its {@code sun.net.httpserver.maxReqHeaders}). */
  static final int MAX_HEADERS = 200;

  private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

  /** Why a head was refused: a status to answer with, or 0 to close without an answer. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  boolean expectsContinue() {
    return "100-continue".equalsIgnoreCase(headers.getFirst("Expect"));
  }

  /** The head in {@code bytes[0, length)}, the final empty line included. */
  static RequestHead parse(byte[] bytes, int length) throws Refused {
    List<String> lines =
        List.of(new String(bytes, 0, length, StandardCharsets.ISO_8859_1).split("\r?\n", -1));
    int first = 0;
    while (first < lines.size() && lines.get(first).isEmpty()) {
      first++; // empty lines before a request line are ignored (RFC 9112 2.2)
    }
    if (first == lines.size()) {
      throw new Refused(400, "Bad request line");
    }
    String[] parts = lines.get(first).split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new Refused(400, "Bad request line");
    }
    URI uri;
    try {
      uri = new URI(parts[1]);
    } catch (URISyntaxException e) {
      throw new Refused(400, "Bad request URI");
    }
    Headers headers = headers(lines.subList(first + 1, lines.size()));
    long bodyLength = bodyLength(headers);
    String connection = headers.getFirst("Connection");
    boolean keepAlive =
        parts[2].equalsIgnoreCase("HTTP/1.0")
            ? "keep-alive".equalsIgnoreCase(connection)
            : !"close".equalsIgnoreCase(connection);
    return new RequestHead(parts[0], uri, parts[2], headers, bodyLength, keepAlive);
  }

  private static Headers headers(List<String> lines) throws Refused {
    Headers headers = new Headers();
    String name = null;
    StringBuilder value = new StringBuilder();
    int count = 0;
    for (String line : lines) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.trim()); // an obsolete folded continuation
        continue;
      }
      if (name != null) {
        add(headers, name, value);
        name = null;
      }
      if (line.isEmpty()) {
        continue;
      }
      if (++count > MAX_HEADERS) {
        throw new Refused(0, "more than " + MAX_HEADERS + " header fields");
      }
      int colon = line.indexOf(':');
      name = colon < 0 ? line : line.substring(0, colon);
      if (!isToken(name)) {
        throw new Refused(400, "Header key contains illegal characters");
      }
      value.setLength(0);
      value.append(colon < 0 ? "" : line.substring(colon + 1));
    }
    if (name != null) {
      add(headers, name, value);
    }
    return headers;
  }

  private static void add(Headers headers, String name, CharSequence value) throws Refused {
    try {
      headers.add(name, value.toString().trim());
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "Illegal header value"); // a stray CR inside a line
    }
  }

  private static long bodyLength(Headers headers) throws Refused {
    List<String> lengths = headers.get("Content-Length");
    List<String> codings = headers.get("Transfer-Encoding");
    if (lengths != null && (codings != null || lengths.size() > 1)) {
      throw new Refused(400, "Conflicting or malformed headers detected");
    }
    if (codings != null) {
      if (codings.size() == 1 && codings.get(0).toLowerCase(Locale.ROOT).equals("chunked")) {
        return CHUNKED;
      }
      throw new Refused(501, "Unsupported Transfer-Encoding value");
    }
    if (lengths == null) {
      return 0;
    }
    try {
      long n = Long.parseLong(lengths.get(0));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Refused(400, "Illegal Content-Length value");
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || TOKEN_CHARS.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
