package computectl.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request being served: its id, the body readers with upstream's extractor errors (behaviour.md
 * 9.4), and the responders, which always echo {@code x-request-id}.
 */
public final class ApiRequest {
  public static final String REQUEST_ID = "x-request-id";

  /** Upstream's framework default body limit. */
  public static final int BODY_LIMIT = 2 * 1024 * 1024;

  /**
   * Past the limit we keep reading (and discarding) this much, so the client gets to read its 413.
   */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private static final String JSON = "application/json";

  private final HttpExchange exchange;
  private final String requestId;
  private final boolean head;
  private int status;

  ApiRequest(HttpExchange exchange, String requestId) {
    this.exchange = exchange;
    this.requestId = requestId;
    this.head = exchange.getRequestMethod().equals("HEAD");
  }

  public String requestId() {
    return requestId;
  }

  /** The status sent, 0 before a response started. */
  public int status() {
    return status;
  }

  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  public InetAddress peer() {
    return exchange.getRemoteAddress().getAddress();
  }

  /** The raw (still percent-encoded) path. */
  public String rawPath() {
    return exchange.getRequestURI().getRawPath();
  }

  /** Decoded query parameters; for a repeated name the first value wins. */
  public Map<String, String> query() {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(decode(k), decode(v));
    }
    return out;
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%' is kept as written
    }
  }

  /**
   * The body of a JSON request as text: 415 without a JSON content type, 413 over {@link
   * #BODY_LIMIT} (chunked or not), 400 when it is not UTF-8.
   */
  public String jsonBody() {
    if (!isJsonContentType(header("Content-Type"))) {
      throw new ApiError(415, "expected request with `content-type: application/json`");
    }
    byte[] body = readBody();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.malformedJson("invalid unicode code point");
    }
  }

  /** {@code application/json} or any {@code application/*+json}, parameters allowed. */
  static boolean isJsonContentType(String value) {
    if (value == null) {
      return false;
    }
    String essence = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!essence.startsWith("application/")) {
      return false;
    }
    String subtype = essence.substring("application/".length());
    return subtype.equals("json") || subtype.endsWith("+json");
  }

  private byte[] readBody() {
    String length = header("Content-Length");
    boolean declaredTooLong = length != null && parseLength(length) > BODY_LIMIT;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (InputStream in = exchange.getRequestBody()) {
      byte[] chunk = new byte[64 * 1024];
      long total = 0;
      int n;
      while (!declaredTooLong && (n = in.read(chunk)) > 0) {
        total += n;
        if (total > BODY_LIMIT) {
          break;
        }
        buf.write(chunk, 0, n);
      }
      if (declaredTooLong || total > BODY_LIMIT) {
        drain(in, chunk);
        throw new ApiError(413, "failed to buffer the request body: length limit exceeded");
      }
    } catch (IOException e) {
      throw new ApiError(400, "failed to buffer the request body: " + e.getMessage());
    }
    return buf.toByteArray();
  }

  private static long parseLength(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Reads what the client still sends, up to a bound; past it the connection is closed. */
  private void drain(InputStream in, byte[] chunk) throws IOException {
    long drained = 0;
    int n;
    while (drained < DRAIN_LIMIT && (n = in.read(chunk)) > 0) {
      drained += n;
    }
    if (drained >= DRAIN_LIMIT) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  public void respondJson(int code, String json) {
    respond(code, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A status with an empty body and no content type. */
  public void respondEmpty(int code) {
    respond(code, null, new byte[0]);
  }

  public void respondError(ApiError e) {
    Log.error("request " + requestId + ": " + e.getMessage());
    respondJson(e.status(), ApiJson.errorBody(e.getMessage()));
  }

  public void respond(int code, String contentType, byte[] body) {
    try {
      prepareHeaders(code, contentType);
      boolean noBody = head || body.length == 0;
      exchange.sendResponseHeaders(code, noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      Log.warn("request " + requestId + ": could not send the response: " + e.getMessage());
    }
  }

  /** Starts a chunked response; the caller writes the body and closes the stream. */
  public OutputStream startStream(int code, String contentType) throws IOException {
    prepareHeaders(code, contentType);
    exchange.sendResponseHeaders(code, head ? -1 : 0);
    return exchange.getResponseBody();
  }

  private void prepareHeaders(int code, String contentType) {
    if (status != 0) {
      throw new IllegalStateException("response already sent for request " + requestId);
    }
    status = code;
    Headers h = exchange.getResponseHeaders();
    h.set(REQUEST_ID, requestId);
    if (contentType != null) {
      h.set("Content-Type", contentType);
    }
  }
}
