package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport itself, under a handler that echoes what it got: framing, keep-alive, places. */
class SelectorServer_Test {
  private static final byte[] BIG = new byte[16 * 1024 * 1024];

  private final AtomicInteger served = new AtomicInteger();
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private ElasticPool pool;
  private SelectorServer server;

  /**
   * Answers {@code /big} with 16 MiB, {@code /slow} once the test releases it, anything else with
   * "METHOD PATH BODY".
   */
  private void handle(HttpExchange ex) throws IOException {
    served.incrementAndGet();
    if (ex.getRequestURI().getPath().equals("/slow")) {
      slowStarted.countDown();
      try {
        slowRelease.await();
      } catch (InterruptedException e) {
        throw new IOException("interrupted before answering /slow", e);
      }
    }
    byte[] body = ex.getRequestBody().readAllBytes();
    byte[] answer =
        ex.getRequestURI().getPath().equals("/big")
            ? BIG
            : (ex.getRequestMethod()
                    + " "
                    + ex.getRequestURI().getPath()
                    + " "
                    + new String(body, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
    ex.sendResponseHeaders(200, answer.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(answer);
    }
  }

  private void start(int threads, HttpLimits limits) throws IOException {
    pool = new ElasticPool("t-selector", threads, threads);
    server =
        new SelectorServer(
            "test",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            this::handle,
            pool,
            limits);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    pool.close();
  }

  @Test
  void headsCutMidway_areNeverServed_andGiveTheirPlacesBack() throws Exception {
    start(2, HttpLimits.DEFAULT);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      held.add(send("GET /status HTTP/1.1\r\nHost: x\r\nX-a: "));
    }
    await(() -> server.openConnections() == 100);
    for (Socket s : held) {
      s.close();
    }
    await(() -> server.openConnections() == 0);
    assertEquals(0, served.get(), "a request cut short is never handed to the handler");
    assertEquals("HTTP/1.1 200 OK", ask("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").get(0));
  }

  @Test
  void pipelinedRequests_areAnsweredInOrderOnOneConnection() throws Exception {
    start(2, HttpLimits.DEFAULT);
    List<String> lines =
        ask(
            "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(List.of("GET /one ", "POST /two abc", "GET /three "), bodies(lines));
  }

  @Test
  void chunkedBodies_andExpectContinue_arriveWhole() throws Exception {
    start(2, HttpLimits.DEFAULT);
    List<String> lines =
        ask(
            String.join(
                "\r\n",
                "POST /c HTTP/1.1",
                "Host: x",
                "Transfer-Encoding: chunked",
                "Connection: close",
                "Expect: 100-continue",
                "",
                "3;ext=1",
                "abc",
                "2",
                "de",
                "0",
                "X-Trailer: t",
                "",
                ""));
    assertEquals("HTTP/1.1 100 Continue", lines.get(0));
    assertEquals(List.of("POST /c abcde"), bodies(lines));
  }

  @Test
  void malformedHeads_getTheJdkServersAnswers() throws Exception {
    start(2, HttpLimits.DEFAULT);
    assertEquals("HTTP/1.1 400 Bad Request", ask("NONSENSE\r\n\r\n").get(0));
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        ask("GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n").get(0),
        "a space in a header name");
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        ask("POST /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n").get(0));
    assertEquals(
        "HTTP/1.1 501 Not Implemented",
        ask("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").get(0));
    assertEquals(0, served.get());
  }

  @Test
  void aClientThatStopsReading_holdsNoThread() throws Exception {
    start(1, HttpLimits.DEFAULT);
    try (Socket slow = send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")) {
      await(() -> served.get() == 1);
      // The one worker handed the 16 MiB to the selector thread and is free for the next request.
      assertEquals("HTTP/1.1 200 OK", ask("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").get(0));
      slow.setSoTimeout(10_000);
      InputStream in = slow.getInputStream();
      long total = 0;
      byte[] buf = new byte[64 * 1024];
      for (int n; total < BIG.length && (n = in.read(buf)) > 0; ) {
        total += n;
      }
      assertTrue(total >= BIG.length, "the whole answer arrives once the client reads: " + total);
    }
  }

  @Test
  void pastTheCap_theLongestWaitingConnectionMakesRoom() throws Exception {
    start(2, new HttpLimits(5, 30, HttpLimits.MAX_HEADER_BYTES));
    List<Socket> held = new ArrayList<>();
    // One at a time, each accepted before the next: held.get(0) is the longest waiting.
    for (int i = 0; i < 5; i++) {
      held.add(send(""));
      int opened = i + 1;
      await(() -> server.openConnections() == opened);
    }
    assertEquals("HTTP/1.1 200 OK", ask("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").get(0));
    held.get(0).setSoTimeout(10_000);
    assertEquals(-1, held.get(0).getInputStream().read(), "the oldest was closed");
    for (Socket s : held) {
      s.close();
    }
    await(() -> server.openConnections() == 0);
  }

  @Test
  void close_answersTheRequestsRunning_andClosesIdleConnectionsAtOnce() throws Exception {
    start(2, HttpLimits.DEFAULT);
    try (Socket idle = send("");
        Socket running = send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")) {
      assertTrue(slowStarted.await(10, TimeUnit.SECONDS), "the request reached the handler");
      await(() -> server.openConnections() == 2);
      Thread closer = new Thread(() -> server.close(Duration.ofSeconds(60)), "t-closer");
      closer.start();
      idle.setSoTimeout(10_000);
      assertEquals(-1, idle.getInputStream().read(), "an idle connection is closed at once");
      slowRelease.countDown();
      running.setSoTimeout(10_000);
      String answer =
          new String(running.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
      assertTrue(answer.endsWith("GET /slow "), "the whole answer, then the close: " + answer);
      closer.join(10_000);
      assertEquals(0, server.openConnections());
    }
  }

  private Socket send(String text) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    return s;
  }

  /** Sends {@code text}, reads until the server closes (or 10 s), and returns the lines. */
  private List<String> ask(String text) throws IOException {
    try (Socket s = send(text)) {
      s.shutdownOutput();
      s.setSoTimeout(10_000);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      s.getInputStream().transferTo(got);
      return List.of(got.toString(StandardCharsets.ISO_8859_1).split("\r\n", -1));
    }
  }

  /** The bodies of the 200 answers among {@code lines} (each follows its head's empty line). */
  private static List<String> bodies(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean inHead = false;
    for (String l : lines) {
      if (l.startsWith("HTTP/1.1 1")) {
        continue; // an interim answer: its empty line follows
      }
      if (l.startsWith("HTTP/1.1 200")) {
        inHead = true;
      } else if (inHead && l.isEmpty()) {
        inHead = false;
      } else if (!inHead && !l.isEmpty()) {
        // A body runs into the next status line: split there.
        int next = l.indexOf("HTTP/1.1 ");
        out.add(next < 0 ? l : l.substring(0, next));
        if (next >= 0) {
          inHead = true;
        }
      }
    }
    return out;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "condition not reached within 30 s");
      Thread.sleep(20);
    }
  }
}
