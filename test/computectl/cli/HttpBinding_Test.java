package computectl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
import computectl.compute.ServingFailedException;
import computectl.http.ApiContext;
import computectl.http.HttpServers;
import computectl.metrics.ExportedMetrics;
import computectl.util.ComputeCtlException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Binding the HTTP servers here or beside the start, and what a failed bind becomes. */
class HttpBinding_Test {
  private static HttpServers bindBoth() {
    return HttpServers.start(
        ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
            .terminator(() -> {})
            .build(),
        0,
        0);
  }

  @Test
  void beside_bindsOnItsOwnThread_andTheGateOpensOnceBound() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    CountDownLatch release = new CountDownLatch(1);
    try (HttpBinding b =
        HttpBinding.start(
            () -> {
              thread.set(Thread.currentThread().getName());
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return bindBoth();
            },
            true)) {
      release.countDown(); // start() returned while the bind was still held
      b.awaitServing();
      assertEquals("http-bind", thread.get());
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), b.servers().externalPort())) {
        assertTrue(s.isConnected());
      }
    }
  }

  @Test
  void here_bindsBeforeStartReturns() throws IOException {
    AtomicReference<String> thread = new AtomicReference<>();
    try (HttpBinding b =
        HttpBinding.start(
            () -> {
              thread.set(Thread.currentThread().getName());
              return bindBoth();
            },
            false)) {
      assertEquals(Thread.currentThread().getName(), thread.get());
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), b.servers().internalPort())) {
        assertTrue(s.isConnected());
      }
    }
  }

  @Test
  void aFailedBind_endsTheStartWithTheBindsOwnError() {
    ComputeCtlException taken = new ComputeCtlException("failed to bind: port taken");
    try (HttpBinding b =
        HttpBinding.start(
            () -> {
              throw taken;
            },
            true)) {
      ServingFailedException gate = assertThrows(ServingFailedException.class, b::awaitServing);
      assertSame(taken, gate.bindFailure());
      assertSame(taken, assertThrows(ComputeCtlException.class, b::servers));
    } // closing after a failed bind has nothing to close
  }
}
