package computectl.http;

import computectl.compute.ComputeNode;

/** {@code GET /metrics.json}: the startup timings (behaviour.md 5.9). */
final class MetricsJsonHandler implements RouteHandler {
  private final ComputeNode node;

  MetricsJsonHandler(ComputeNode node) {
    this.node = node;
  }

  @Override
  public void handle(ApiRequest request) {
    request.respondJson(200, node.metrics().toJson());
  }
}
