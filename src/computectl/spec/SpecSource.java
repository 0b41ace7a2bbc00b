package computectl.spec;

import computectl.metrics.ExportedMetrics;
import computectl.util.ComputeCtlException;
import computectl.util.IoErrors;
import computectl.util.Log;
import computectl.util.NamedThreads;
import computectl.util.Setting;
import computectl.util.Sleeper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Gets the spec at startup (behaviour.md 3): {@code -s} inline JSON, else the {@code -S} file, else
 * the control plane ({@code -p} plus {@code -i}) with upstream's attempts, sleeps, retry rules and
 * request counter. Secrets are never logged: for an inline spec only its size and operation_uuid.
 */
public final class SpecSource {
  public static final int ATTEMPTS = 3;
  public static final long RETRY_SLEEP_MILLIS = 100;
  public static final Duration TIMEOUT = Setting.CONTROL_PLANE_TIMEOUT_SECONDS.defaultSeconds();
  static final String RPC = "GetSpec";
  static final String UNKNOWN_STATUS = "unknown";
  static final String EXHAUSTED =
      "Exhausted all attempts to retrieve the spec from the control plane";

  private final ExportedMetrics metrics;
  private final String token;
  private final Sleeper sleeper;
  private Duration timeout = TIMEOUT;

  /**
   * @param controlPlaneToken {@code NEON_CONTROL_PLANE_TOKEN}; null means empty (the header is
   *     still sent, as {@code Bearer } and nothing)
   */
  public SpecSource(ExportedMetrics metrics, String controlPlaneToken) {
    this(metrics, controlPlaneToken, Sleeper.REAL);
  }

  SpecSource(ExportedMetrics metrics, String controlPlaneToken, Sleeper sleeper) {
    this.metrics = metrics;
    this.token = controlPlaneToken == null ? "" : controlPlaneToken;
    this.sleeper = sleeper;
  }

  /** Sets the connect and request timeout of each attempt; returns this. */
  public SpecSource timeout(Duration value) {
    this.timeout = value;
    return this;
  }

  /** {@link Setting#CONTROL_PLANE_TIMEOUT_SECONDS}. */
  public static Duration timeoutFrom(java.util.Map<String, String> env) {
    return Setting.CONTROL_PLANE_TIMEOUT_SECONDS.seconds(env);
  }

  /**
   * Upstream's precedence: {@code inlineSpec} if given, else {@code specPath}, else the control
   * plane. Validation (behaviour.md 3.4) is left to the caller.
   *
   * @throws SpecException SOURCE when nothing could be obtained, or SYNTAX/SHAPE for a bad spec
   */
  public AcquiredSpec acquire(
      String inlineSpec, String specPath, String controlPlaneUri, String computeId) {
    if (inlineSpec != null) {
      return fromInline(inlineSpec);
    }
    if (specPath != null) {
      return fromFile(specPath);
    }
    if (controlPlaneUri == null) {
      throw new SpecException(SpecException.Kind.SOURCE, "must specify --control-plane-uri");
    }
    if (computeId == null) {
      throw new SpecException(
          SpecException.Kind.SOURCE,
          "must specify --compute-id to get the spec from the control plane");
    }
    return fromControlPlane(controlPlaneUri, computeId);
  }

  /** {@code -s}: live reconfiguration is not allowed afterwards. */
  public AcquiredSpec fromInline(String json) {
    ComputeSpec spec = parse(json, "invalid spec given with --spec: ");
    Log.info(
        "got spec from cli argument ("
            + json.getBytes(StandardCharsets.UTF_8).length
            + " bytes, operation_uuid "
            + spec.operationUuid()
            + ")");
    return new AcquiredSpec(spec, SecurityConfig.DEFAULT, false);
  }

  /** {@code -S}: read errors and parse errors name the file. */
  public AcquiredSpec fromFile(String path) {
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(Path.of(path))))
              .toString();
    } catch (IOException | RuntimeException e) {
      throw new SpecException(
          SpecException.Kind.SOURCE,
          "could not read spec file " + path + ": " + IoErrors.describe(e),
          e);
    }
    ComputeSpec spec = parse(json, "invalid spec file " + path + ": ");
    Log.info("got spec from file " + path + " (operation_uuid " + spec.operationUuid() + ")");
    return new AcquiredSpec(spec, SecurityConfig.DEFAULT, true);
  }

  private static ComputeSpec parse(String json, String context) {
    try {
      return SpecParser.parseSpec(json);
    } catch (SpecException e) {
      throw new SpecException(e.kind(), e.path(), context + e.getMessage(), e);
    }
  }

  /**
   * {@code GET {base}/compute/api/v2/computes/{id}/spec}, up to {@link #ATTEMPTS} times. Every
   * attempt counts in {@code compute_ctl_cplane_requests_total}; every failed attempt that may be
   * retried is followed by a {@link #RETRY_SLEEP_MILLIS} sleep, the last one included.
   */
  public AcquiredSpec fromControlPlane(String baseUri, String computeId) {
    String url = baseUri + "/compute/api/v2/computes/" + computeId + "/spec";
    Log.info("getting spec from control plane: " + url);
    ExecutorService executor =
        Executors.newCachedThreadPool(r -> NamedThreads.daemon("cplane-spec-request", r));
    try {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(timeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .executor(executor)
              .build();
      return attempts(client, url);
    } catch (SpecException e) {
      Log.error(
          "cannot get response from control plane: "
              + ComputeCtlException.chain(e)
              + "; neither spec nor confirmation that compute is in the Empty state was received");
      throw e;
    } finally {
      executor.shutdownNow();
    }
  }

  private AcquiredSpec attempts(HttpClient client, String url) {
    SpecException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Attempt a = attempt(client, url);
      metrics.cplaneRequests.inc(RPC, a.statusLabel());
      if (a.response() != null) {
        ControlPlaneSpecResponse r = a.response();
        if (r.status() == ControlPlaneSpecResponse.Status.EMPTY) {
          Log.info("control plane reports the compute as empty: waiting for /configure");
          return new AcquiredSpec(null, r.computeCtlConfig(), true);
        }
        if (r.spec() == null) {
          throw source("compute is attached, but spec is empty", null);
        }
        Log.info("got spec from control plane (operation_uuid " + r.spec().operationUuid() + ")");
        return new AcquiredSpec(r.spec(), r.computeCtlConfig(), true);
      }
      Log.error("attempt " + attempt + " to get spec failed with: " + a.failure());
      last = source(a.failure(), null);
      if (!a.retry()) {
        throw last;
      }
      sleep();
    }
    throw source(EXHAUSTED, last);
  }

  /** One request: a parsed 200 response, or why it failed and whether that may be retried. */
  private record Attempt(
      ControlPlaneSpecResponse response, String failure, boolean retry, String statusLabel) {}

  private Attempt attempt(HttpClient client, String url) {
    HttpResponse<String> response;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Authorization", "Bearer " + token)
              .GET()
              .build();
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw source("interrupted while getting the spec from the control plane", e);
    } catch (IOException | RuntimeException e) {
      return new Attempt(
          null,
          "could not perform spec request to control plane: " + transportError(e, url),
          true,
          UNKNOWN_STATUS);
    }
    int code = response.statusCode();
    String label = HttpReasons.statusText(code);
    switch (code) {
      case 200 -> {
        try {
          return new Attempt(
              SpecParser.parseControlPlaneResponse(response.body()), null, false, label);
        } catch (SpecException e) {
          return new Attempt(
              null, "could not deserialize control plane response: " + e.getMessage(), true, label);
        }
      }
      case 503 -> {
        return new Attempt(null, "control plane is temporarily unavailable", true, label);
      }
      case 502 -> {
        return new Attempt(null, "control plane request failed with 502", true, label);
      }
      default -> {
        return new Attempt(
            null, "unexpected control plane response status code: " + label, false, label);
      }
    }
  }

  /**
   * Java's HTTP client often throws without messages; name the cause so the log line says
   * something.
   */
  private String transportError(Exception e, String url) {
    if (e instanceof HttpTimeoutException) {
      return "request timed out after " + timeout.toSeconds() + " s";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "could not resolve the host of " + url;
      }
      if (t.getMessage() != null) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    if (e instanceof ConnectException) {
      return "could not connect to " + url;
    }
    return e.getClass().getSimpleName();
  }

  private void sleep() {
    try {
      sleeper.sleep(Duration.ofMillis(RETRY_SLEEP_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw source("interrupted while getting the spec from the control plane", e);
    }
  }

  private static SpecException source(String message, Throwable cause) {
    return new SpecException(SpecException.Kind.SOURCE, message, cause);
  }
}
