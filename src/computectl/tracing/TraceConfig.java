package computectl.tracing;

import computectl.util.ComputeCtlException;
import computectl.util.EnvNumbers;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and how spans are exported, from the standard OpenTelemetry variables upstream's SDK reads:
 * {@code OTEL_SDK_DISABLED}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used as is) or {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (plus {@code /v1/traces}), {@code OTEL_EXPORTER_OTLP_HEADERS} and
 * {@code OTEL_EXPORTER_OTLP_TIMEOUT} (both also in their {@code _TRACES_} form), {@code
 * OTEL_SERVICE_NAME}, and the batch processor's {@code OTEL_BSP_SCHEDULE_DELAY}, {@code
 * OTEL_BSP_MAX_QUEUE_SIZE} and {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}.
 *
 * @param endpoint the full URL spans are POSTed to
 * @param timeout how long one export request may take, from connecting to the answer
 */
public record TraceConfig(
    URI endpoint,
    String serviceName,
    Map<String, String> headers,
    Duration timeout,
    Duration scheduleDelay,
    int maxQueueSize,
    int maxBatchSize) {
  /** Upstream's service name. */
  public static final String SERVICE_NAME = "compute_ctl";

  public TraceConfig {
    headers = Map.copyOf(headers);
  }

  /**
   * The configuration in {@code env}, or null when tracing is off: {@code OTEL_SDK_DISABLED=true},
   * or no endpoint set (upstream's SDK would then send to {@code localhost:4318}; we send nothing).
   *
   * @throws ComputeCtlException naming the variable whose value is not usable
   */
  public static TraceConfig fromEnv(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
      return null;
    }
    URI endpoint = endpoint(env);
    if (endpoint == null) {
      return null;
    }
    String service = env.getOrDefault("OTEL_SERVICE_NAME", "").trim();
    String timeoutVar =
        env.containsKey("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")
            ? "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"
            : "OTEL_EXPORTER_OTLP_TIMEOUT";
    return new TraceConfig(
        endpoint,
        service.isEmpty() ? SERVICE_NAME : service,
        headers(env),
        Duration.ofMillis(EnvNumbers.positive(env, timeoutVar, 10_000)),
        Duration.ofMillis(EnvNumbers.positive(env, "OTEL_BSP_SCHEDULE_DELAY", 5_000)),
        (int) Math.min(EnvNumbers.positive(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048), 1 << 20),
        (int) Math.min(EnvNumbers.positive(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512), 1 << 16));
  }

  private static URI endpoint(Map<String, String> env) {
    String traces = env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").trim();
    if (!traces.isEmpty()) {
      return uri("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces);
    }
    String base = env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").trim();
    if (base.isEmpty()) {
      return null;
    }
    uri("OTEL_EXPORTER_OTLP_ENDPOINT", base);
    return URI.create((base.endsWith("/") ? base : base + "/") + "v1/traces");
  }

  private static URI uri(String name, String value) {
    try {
      URI u = new URI(value);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ComputeCtlException(
        name + " must be an http:// or https:// URL, got '" + value + "'");
  }

  /** {@code key=value,key=value} (values URL-encoded, as the specification has them). */
  private static Map<String, String> headers(Map<String, String> env) {
    String name =
        env.containsKey("OTEL_EXPORTER_OTLP_TRACES_HEADERS")
            ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
            : "OTEL_EXPORTER_OTLP_HEADERS";
    String raw = env.getOrDefault(name, "").trim();
    Map<String, String> out = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split(",", -1)) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // The header may hold a secret: name the variable, not the value.
        throw new ComputeCtlException(name + " must be a list of key=value pairs");
      }
      out.put(
          pair.substring(0, eq).trim(),
          java.net.URLDecoder.decode(
              pair.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }
}
