package computectl.http;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;

/**
 * {@code POST /terminate} (behaviour.md 11.1): fast shutdown of Postgres, then 200 once the compute
 * is Terminated (201 when it already was). Unlike upstream, which hangs when the compute is Empty,
 * the startup flow also completes an Empty compute's termination.
 */
final class TerminateHandler implements RouteHandler {
  private final ComputeNode node;
  private final Runnable terminator;

  TerminateHandler(ComputeNode node, Runnable terminator) {
    this.node = node;
    this.terminator = terminator;
  }

  @Override
  public void handle(ApiRequest request) throws InterruptedException {
    ComputeStatus seen =
        node.transitionIf(
            s -> s == ComputeStatus.EMPTY || s == ComputeStatus.RUNNING,
            ComputeStatus.TERMINATION_PENDING,
            null);
    if (seen == ComputeStatus.TERMINATED) {
      request.respondEmpty(201);
      return;
    }
    if (seen != ComputeStatus.EMPTY && seen != ComputeStatus.RUNNING) {
      throw ApiError.invalidStatus(seen);
    }
    terminator.run();
    node.await(s -> s == ComputeStatus.TERMINATED, null);
    request.respondEmpty(200);
  }
}
