package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.http.HttpLimits;
import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.ComputeCtlProcess;
import computectl.util.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The external API of a real compute_ctl under abuse (docs/reliability.md, "HTTP under abuse"):
 * hundreds of clients that connect and send nothing or half a request, requests that stall, heads
 * over the limit, more connections than the cap. /status keeps answering and the process's threads
 * stay bounded.
 */
@Tag("e2e")
class ComputeHttpAbuse_Test {
  /** Shorter than the default 30 s, so that the test need not wait that long for the cut. */
  private static final String REQUEST_TIMEOUT = "8";

  private static final String HALF_REQUEST = "GET /status HTTP/1.1\r\nHost: compute\r\nX-Slow: ";

  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  /**
   * A pooled compute (the control plane has no spec for it): it waits in Empty, serving its API.
   */
  private static ComputeCtlProcess pooledCompute(
      ComputeFixture.Node node, ControlPlaneStandIn cp, Map<String, String> env) throws Exception {
    ComputeCtlProcess cc = fx.start(node, null, List.of("--control-plane-uri", cp.uri()), env);
    cc.awaitStatus(s -> s.contains("\"empty\""), Duration.ofSeconds(60));
    return cc;
  }

  @Test
  void fiveHundredHalfSentRequestsAndIdleConnections_statusStillAnswers_threadsBounded()
      throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    List<Socket> held = new ArrayList<>();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            pooledCompute(
                node,
                cp,
                Map.of(Setting.HTTP_REQUEST_TIMEOUT_SECONDS.variable(), REQUEST_TIMEOUT))) {
      int before = threads(cc);
      String rssBefore = procStatus(cc, "VmRSS:");
      for (int i = 0; i < 500; i++) {
        held.add(send(node, HALF_REQUEST));
      }
      for (int i = 0; i < 100; i++) {
        held.add(send(node, ""));
      }
      long start = System.nanoTime();
      var r = cc.get("/status");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"empty\""), r.body());
      int during = threads(cc);
      System.out.println(
          "/status with 500 half-sent requests and 100 idle connections: "
              + ms
              + " ms; compute_ctl threads "
              + before
              + " -> "
              + during
              + ", RSS "
              + rssBefore
              + " -> "
              + procStatus(cc, "VmRSS:"));
      // Answered while they are all still held: none has been answered or cut yet.
      for (Socket s : held.subList(0, 500)) {
        assertEquals("open", readOutcome(s, Duration.ofMillis(1)));
      }
      // The pool grew for the half-sent requests (a fixed pool of 16 could not serve /status
      // behind them), and never grows past the connection cap.
      assertTrue(during > before + 16, "threads " + before + " -> " + during);
      assertTrue(
          during <= before + HttpLimits.DEFAULT.maxConnections(),
          "threads " + before + " -> " + during);
      // The request timeout cuts every half-sent request, which frees its thread.
      for (Socket s : held.subList(0, 500)) {
        assertEquals(
            "closed", readOutcome(s, Duration.ofSeconds(Integer.parseInt(REQUEST_TIMEOUT) + 20)));
      }
      assertTrue(cc.process().isAlive(), cc.log());
      assertEquals(200, cc.get("/status").statusCode());
    } finally {
      closeAll(held);
    }
  }

  @Test
  void limits_stalledRequestsAreCut_oversizedHeadsRefused_connectionsPastTheCapClosed()
      throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    Map<String, String> env =
        Map.of(
            Setting.HTTP_MAX_CONNECTIONS.variable(),
            "40",
            Setting.HTTP_REQUEST_TIMEOUT_SECONDS.variable(),
            "2");
    List<Socket> held = new ArrayList<>();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc = pooledCompute(node, cp, env)) {
      // A head that stops half-way and a body that stops half-way are both cut.
      try (Socket head = send(node, HALF_REQUEST);
          Socket body =
              send(
                  node,
                  "POST /configure HTTP/1.1\r\nHost: c\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 1000\r\n\r\n{\"spec\": {")) {
        assertEquals("closed", readOutcome(head, Duration.ofSeconds(20)));
        assertEquals("closed", readOutcome(body, Duration.ofSeconds(20)));
      }
      // A head over the limit (one huge header, or more headers than allowed) gets no answer.
      try (Socket big =
              send(
                  node,
                  "GET /status HTTP/1.1\r\nHost: c\r\nX-Big: " + "a".repeat(500_000) + "\r\n\r\n");
          Socket many =
              send(node, "GET /status HTTP/1.1\r\nHost: c\r\n" + manyHeaders(300) + "\r\n")) {
        assertEquals("closed", readOutcome(big, Duration.ofSeconds(20)));
        assertEquals("closed", readOutcome(many, Duration.ofSeconds(20)));
      }
      assertEquals(200, cc.get("/status").statusCode());
      // Up to the cap connections are kept; the next one is closed at once.
      for (int i = 0; i < 40; i++) {
        held.add(send(node, ""));
      }
      Thread.sleep(500);
      try (Socket over = send(node, "GET /status HTTP/1.1\r\nHost: c\r\n\r\n")) {
        assertEquals("closed", readOutcome(over, Duration.ofSeconds(10)));
      }
      closeAll(held);
      cc.awaitStatus(b -> b.contains("\"empty\""), Duration.ofSeconds(10));
      assertTrue(cc.process().isAlive(), cc.log());
    } finally {
      closeAll(held);
    }
  }

  private static String manyHeaders(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("X-Header-").append(i).append(": ").append(i).append("\r\n");
    }
    return b.toString();
  }

  private static Socket send(ComputeFixture.Node node, String text) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.externalPort()), 5000);
    if (!text.isEmpty()) {
      s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
    }
    return s;
  }

  /**
   * "open" when nothing arrives within {@code wait}, "closed" at end of stream, else what arrived.
   */
  private static String readOutcome(Socket s, Duration wait) throws IOException {
    s.setSoTimeout((int) Math.max(1, wait.toMillis()));
    InputStream in = s.getInputStream();
    try {
      byte[] buf = new byte[256];
      int n = in.read(buf);
      return n < 0 ? "closed" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      return "open";
    } catch (IOException e) {
      return "closed"; // reset by the server
    }
  }

  /** The process's thread count (compute_ctl runs as a child of the test). */
  private static int threads(ComputeCtlProcess cc) throws IOException {
    return Integer.parseInt(procStatus(cc, "Threads:"));
  }

  private static String procStatus(ComputeCtlProcess cc, String field) throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(cc.process().pid()), "status"))) {
      if (line.startsWith(field)) {
        return line.substring(field.length()).trim();
      }
    }
    throw new AssertionError("no " + field + " in /proc status");
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed by the server
      }
    }
    sockets.clear();
  }
}
