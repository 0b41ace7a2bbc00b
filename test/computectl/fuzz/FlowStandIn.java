package computectl.fuzz;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import java.time.Duration;

/**
 * Stands in for the configurator while the HTTP API is fuzzed: every accepted /configure moves
 * ConfigurationPending on to Configuration and Running at once, without applying anything (the
 * spec's SQL is the reconciliation tests' business), so that the next case finds a Running node.
 */
final class FlowStandIn implements AutoCloseable {
  private final ComputeNode node;
  private final Thread thread;
  private volatile boolean stop;

  FlowStandIn(ComputeNode node) {
    this.node = node;
    this.thread = new Thread(this::loop, "fuzz-flow-standin");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stop) {
      try {
        if (node.await(s -> s == ComputeStatus.CONFIGURATION_PENDING, Duration.ofMillis(200))
            == ComputeStatus.CONFIGURATION_PENDING) {
          node.setStatus(ComputeStatus.CONFIGURATION);
          node.setStatus(ComputeStatus.RUNNING);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
