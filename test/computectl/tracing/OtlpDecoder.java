package computectl.tracing;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes what we send with an implementation that is not ours: the protobuf module generated from
 * opentelemetry-proto that {@code @opentelemetry/otlp-transformer} ships ({@code
 * build/src/generated/root.js}, in the package from 0.52.0 on: 0.51.x has none), run by {@code
 * node}. The package is installed once per build directory with {@code npm}, pinned. Without node
 * or npm the tests that use this fail, saying what to install.
 */
public final class OtlpDecoder {
  /** The pinned package, the first line that ships the generated protobuf module. */
  static final String PACKAGE = "@opentelemetry/otlp-transformer@0.52.1";

  private static final String SCRIPT =
      """
      const fs = require('fs');
      const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
      const T = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
      const msg = T.decode(fs.readFileSync(process.argv[2]));
      const bad = T.verify(msg);
      if (bad) { throw new Error(bad); }
      process.stdout.write(JSON.stringify(T.toObject(msg, {longs: String, bytes: String})));
      """;

  private static Path installed;

  private OtlpDecoder() {}

  /** One span of a decoded request, flattened: ids in hex, attributes as JSON values. */
  public record Span(
      String traceId,
      String spanId,
      String parentSpanId,
      String traceState,
      String name,
      int kind,
      long start,
      long end,
      JsonObject attributes,
      int statusCode,
      JsonObject resource,
      String scope) {
    public String text(String key) {
      JsonValue v = attributes.get(key);
      return v == null ? null : v.asObject().getString("stringValue", null);
    }

    public Long number(String key) {
      JsonValue v = attributes.get(key);
      return v == null ? null : Long.valueOf(v.asObject().getString("intValue", null));
    }
  }

  /** Every span of every request body. */
  public static List<Span> spans(List<byte[]> bodies) throws IOException, InterruptedException {
    List<Span> out = new ArrayList<>();
    for (byte[] b : bodies) {
      out.addAll(flatten(Json.parse(decode(b)).asObject()));
    }
    return out;
  }

  /** The request as the generated module's toObject gives it (JSON text). */
  public static String decode(byte[] body) throws IOException, InterruptedException {
    Path dir = install();
    Path in = Files.createTempFile("otlp-", ".bin");
    Path script = dir.resolve("decode.js");
    try {
      Files.write(in, body);
      Process p =
          new ProcessBuilder("node", script.toString(), in.toString())
              .directory(dir.toFile())
              .redirectErrorStream(false)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("the OTLP decoder refused what we sent:\n" + err);
      }
      return out;
    } finally {
      Files.deleteIfExists(in);
    }
  }

  private static List<Span> flatten(JsonObject request) {
    List<Span> out = new ArrayList<>();
    for (JsonValue rs : request.get("resourceSpans").asArray()) {
      JsonObject resource = attributes(rs.asObject().get("resource").asObject());
      for (JsonValue ss : rs.asObject().get("scopeSpans").asArray()) {
        String scope = ss.asObject().get("scope").asObject().getString("name", null);
        for (JsonValue sv : ss.asObject().get("spans").asArray()) {
          JsonObject s = sv.asObject();
          JsonValue status = s.get("status");
          out.add(
              new Span(
                  hex(s.getString("traceId", null)),
                  hex(s.getString("spanId", null)),
                  hex(s.getString("parentSpanId", null)),
                  s.getString("traceState", null),
                  s.getString("name", null),
                  s.getInt("kind", 0),
                  Long.parseLong(s.getString("startTimeUnixNano", "0")),
                  Long.parseLong(s.getString("endTimeUnixNano", "0")),
                  attributes(s),
                  status == null ? 0 : status.asObject().getInt("code", 0),
                  resource,
                  scope));
        }
      }
    }
    return out;
  }

  /** {@code attributes: [{key, value}]} as one object key -> AnyValue. */
  private static JsonObject attributes(JsonObject holder) {
    JsonObject out = new JsonObject();
    JsonValue a = holder.get("attributes");
    if (a != null) {
      for (JsonValue kv : a.asArray()) {
        out.add(kv.asObject().getString("key", null), kv.asObject().get("value"));
      }
    }
    return out;
  }

  private static String hex(String base64) {
    return base64 == null || base64.isEmpty()
        ? null
        : HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
  }

  /** The decoder's directory under the build directory, installed on first use. */
  private static synchronized Path install() throws IOException, InterruptedException {
    if (installed != null) {
      return installed;
    }
    for (String tool : List.of("node", "npm")) {
      if (!onPath(tool)) {
        throw new AssertionError(
            tool
                + " is not installed: the OTLP tests decode what we send with the npm package "
                + PACKAGE
                + " (Debian: apt-get install nodejs npm)");
      }
    }
    Path image = Path.of(System.getProperty("computectl.image", "build/image")).toAbsolutePath();
    Path dir = image.getParent().resolve("otlp-decoder");
    Files.createDirectories(dir);
    Path marker = dir.resolve("node_modules/@opentelemetry/otlp-transformer/package.json");
    if (!Files.exists(marker) || !Files.readString(marker).contains("\"version\": \"0.52.1\"")) {
      Process p =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--prefix",
                  dir.toString(),
                  "--no-audit",
                  "--no-fund",
                  "--ignore-scripts",
                  "--no-save",
                  PACKAGE)
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("npm install " + PACKAGE + " failed:\n" + log);
      }
    }
    Files.writeString(dir.resolve("decode.js"), SCRIPT);
    installed = dir;
    return dir;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":", -1)) {
      if (new File(d, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
