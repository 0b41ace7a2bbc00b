package computectl.http;

import computectl.compute.ComputeNode;

/** {@code GET /status}: the ComputeStatusResponse. */
final class StatusHandler implements RouteHandler {
  private final ComputeNode node;

  StatusHandler(ComputeNode node) {
    this.node = node;
  }

  @Override
  public void handle(ApiRequest request) {
    request.respondJson(200, StatusJson.of(node.state()));
  }
}
