package computectl.http;

import computectl.metrics.ExportedMetrics;
import computectl.metrics.PrometheusText;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: Prometheus text format 0.0.4, no authorization (behaviour.md 10). */
final class MetricsHandler implements RouteHandler {
  private final ExportedMetrics metrics;

  MetricsHandler(ExportedMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(ApiRequest request) {
    request.respond(
        200, PrometheusText.CONTENT_TYPE, metrics.text().getBytes(StandardCharsets.UTF_8));
  }
}
