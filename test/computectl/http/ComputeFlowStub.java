package computectl.http;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the part of compute_ctl's startup flow and configurator for HTTP tests: it picks up
 * ConfigurationPending and drives the state machine on (Init or Configuration, then Running or
 * Failed), and its terminator finishes a termination, as the real flow does once Postgres exits.
 */
final class ComputeFlowStub implements AutoCloseable {
  final ComputeNode node;

  /** Error text for the next start or reconfiguration; null means success. */
  final AtomicReference<String> nextFailure = new AtomicReference<>();

  volatile long applyMillis = 50;

  /** How long the flow takes to notice a new spec. */
  volatile long pickupMillis = 20;

  private final Thread thread;
  private volatile boolean stop;
  private boolean started;

  ComputeFlowStub(ComputeNode node) {
    this.node = node;
    this.thread = new Thread(this::loop, "compute-flow-stub");
    thread.setDaemon(true);
    thread.start();
  }

  /** The terminator given to the HTTP API: Postgres "exits" shortly after the signal. */
  Runnable terminator() {
    return () -> {
      Thread t =
          new Thread(
              () -> {
                sleep(30);
                node.setStatus(ComputeStatus.TERMINATED);
              },
              "postgres-exit-stub");
      t.setDaemon(true);
      t.start();
    };
  }

  private void loop() {
    while (!stop) {
      try {
        ComputeStatus s =
            node.await(x -> x == ComputeStatus.CONFIGURATION_PENDING, Duration.ofMillis(200));
        if (s != ComputeStatus.CONFIGURATION_PENDING) {
          continue;
        }
        boolean first = !started;
        sleep(pickupMillis);
        node.setStatus(first ? ComputeStatus.INIT : ComputeStatus.CONFIGURATION);
        sleep(applyMillis);
        String failure = nextFailure.getAndSet(null);
        if (failure == null) {
          started = true;
          node.setStatus(ComputeStatus.RUNNING);
        } else if (first) {
          node.fail(failure);
        } else {
          node.setStatus(
              ComputeStatus.FAILED); // upstream leaves error empty after a failed reconfigure
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Waits until {@code condition} holds (listeners are told of a change after it happened, on the
   * changing thread, so tests wait for them).
   */
  static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      sleep(5);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
