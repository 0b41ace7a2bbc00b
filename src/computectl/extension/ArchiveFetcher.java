package computectl.extension;

import computectl.metrics.ExportedMetrics;
import computectl.spec.HttpReasons;
import computectl.util.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One plain {@code GET} of an extension archive from the extension storage proxy (behaviour.md
 * 12.2): no authentication and no retries, as upstream. Every request is counted in {@code
 * compute_ctl_remote_ext_requests_total{http_status, filename}}, with {@code unknown} as the status
 * of a transport failure.
 */
final class ArchiveFetcher {
  static final String UNKNOWN_STATUS = "unknown";

  /**
   * Upstream has no timeout at all; a bounded connect attempt only turns a black hole into an
   * error.
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client;
  private final ExportedMetrics metrics;

  ArchiveFetcher(ExportedMetrics metrics) {
    // HTTP/1.1: the JDK's default would send an h2c upgrade offer that some proxies mishandle.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.metrics = metrics;
  }

  /** The archive's bytes; any failure is an {@link ExtensionException} with upstream's text. */
  byte[] fetch(String url, String filename) {
    Log.info("Downloading extension file '" + filename + "' from uri " + url);
    HttpResponse<InputStream> response;
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException | IllegalArgumentException e) {
      count(UNKNOWN_STATUS, filename);
      throw new ExtensionException(
          "could not perform remote extensions server request: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      count(UNKNOWN_STATUS, filename);
      throw new ExtensionException("interrupted while downloading " + filename, e);
    }
    String status = HttpReasons.statusText(response.statusCode());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        count(status, filename);
        if (response.statusCode() == 503) {
          throw new ExtensionException("remote extensions server is temporarily unavailable");
        }
        throw new ExtensionException(
            "unexpected remote extensions server response status code: " + status);
      }
      byte[] archive = readBody(body, filename, status);
      count(status, filename);
      Log.info("Successfully downloaded remote extension data " + filename);
      return archive;
    } catch (IOException e) {
      throw new ExtensionException(
          "could not close the response for " + filename + ": " + describe(e), e);
    }
  }

  /** A body that breaks off still counts under its 200 status, as upstream counts it. */
  private byte[] readBody(InputStream body, String filename, String status) {
    try {
      return body.readAllBytes();
    } catch (IOException e) {
      count(status, filename);
      throw new ExtensionException(
          "could not read remote extensions server response: " + describe(e), e);
    }
  }

  private void count(String status, String filename) {
    metrics.remoteExtRequests.inc(status, filename);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null || m.isEmpty()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + m;
  }
}
