package computectl.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks HTTP/1.1 to one of our servers, as the control plane or the neon extension would. */
final class ApiClient {
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final String base;

  ApiClient(String host, int port) {
    this.base = "http://" + host + ":" + port;
  }

  static ApiClient local(int port) {
    return new ApiClient("127.0.0.1", port);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(withHeaders(request(path).GET(), headers).build());
  }

  HttpResponse<String> post(String path, String json, String... headers) {
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    return send(withHeaders(b, headers).build());
  }

  /** A POST without any Content-Type header. */
  HttpResponse<String> postRaw(String path, String body, String... headers) {
    return send(
        withHeaders(request(path).POST(HttpRequest.BodyPublishers.ofString(body)), headers)
            .build());
  }

  HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }
}
