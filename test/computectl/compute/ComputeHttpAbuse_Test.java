package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API ports of a real compute_ctl under abuse (docs/reliability.md, "HTTP under abuse"): floods
 * of clients that connect and send nothing or half a request, requests that stall, heads over the
 * limit, more connections than the cap. Every port keeps answering, the process's threads stay
 * where they were, nothing is left open.
 */
@Tag("e2e")
class ComputeHttpAbuse_Test {
  /** A fresh connection's answer may wait this long on a loaded machine: a bound, not a figure. */
  private static final Duration PROBE_WAIT = Duration.ofSeconds(15);

  /** Threads the JVM may add on its own (compiler, GC) while a flood runs. */
  private static final int THREAD_SLACK = 10;

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

  /** A port under test: how to half-send a request there, and a request it must answer. */
  private record Port(
      String name, int port, int cap, String halfHead, String probe, String answer) {}

  /** The API's connection cap in this test: small enough that floods past it stay cheap. */
  private static final int API_CAP = 400;

  /** The vm-monitor's cap on upgrade requests still arriving (its listener's own constant). */
  private static final int VM_MONITOR_CAP = 1024;

  /**
   * Floods of connections that never finish a request (half heads that trickle, connections that
   * send nothing, some cut mid-way), past the connection cap and under it, three rounds in a row,
   * on the external and internal API and the vm-monitor's WebSocket port at once. Each port answers
   * a fresh connection throughout, the process gains no threads for them, and after each round
   * nothing is left open.
   */
  @Test
  void floodsPastAndUnderTheCap_threeRounds_everyPortAnswersThroughout_nothingLeftBehind()
      throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    int vmPort = TestPg.freePort();
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of("--vm-monitor-addr", "127.0.0.1:" + vmPort),
            Map.of(
                "AUTOSCALING",
                "1",
                "PATH",
                cgexecShim() + ":" + System.getenv("PATH"),
                Setting.HTTP_MAX_CONNECTIONS.variable(),
                Integer.toString(API_CAP)))) {
      String running =
          cc.awaitStatus(
              st -> st.contains("\"running\"") || st.contains("\"failed\""),
              Duration.ofSeconds(90));
      assertTrue(running.contains("\"running\""), running + "\n" + cc.log());
      // The vm-monitor starts beside Postgres, possibly a moment after Running is reported.
      String listening = "vm-monitor: listening on /127.0.0.1:" + vmPort;
      Await.until("the vm-monitor listening", () -> cc.log().contains(listening));
      List<Port> ports =
          List.of(
              new Port(
                  "external",
                  node.externalPort(),
                  API_CAP,
                  HALF_REQUEST,
                  "GET /status HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n",
                  "HTTP/1.1 200 OK"),
              new Port(
                  "internal",
                  node.internalPort(),
                  API_CAP,
                  "POST /grants HTTP/1.1\r\nHost: c\r\nX-Slow: ",
                  "GET /status HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n",
                  "HTTP/1.1 404 Not Found"),
              new Port(
                  "vm-monitor",
                  vmPort,
                  VM_MONITOR_CAP,
                  "GET /monitor HTTP/1.1\r\nHost: c\r\nX-Slow: ",
                  String.join(
                      "\r\n",
                      "GET /monitor HTTP/1.1",
                      "Host: c",
                      "Connection: Upgrade",
                      "Upgrade: websocket",
                      "Sec-WebSocket-Version: 13",
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                      "",
                      ""),
                  "HTTP/1.1 101 Switching Protocols"));
      for (Port p : ports) {
        assertEquals(p.answer(), ConnectionFlood.ask(p.port(), p.probe(), PROBE_WAIT), p.name());
      }
      // Per round, as fractions of each port's cap: half heads, then idle connections.
      double[][] rounds = {{1, 0.2}, {0.6, 0.1}, {1, 0.2}};
      int baseThreads = awaitSettled(() -> threads(cc), Integer.MAX_VALUE);
      Set<Integer> portNumbers = new HashSet<>();
      ports.forEach(p -> portNumbers.add(p.port()));
      for (int r = 0; r < rounds.length; r++) {
        long roundStart = System.nanoTime();
        List<ConnectionFlood> floods = new ArrayList<>();
        int mostThreads = 0;
        try {
          for (Port p : ports) {
            floods.add(
                ConnectionFlood.open(
                    p.port(),
                    p.halfHead(),
                    (int) (p.cap() * rounds[r][0]),
                    (int) (p.cap() * rounds[r][1])));
          }
          for (int step = 0; step < 5; step++) {
            Thread.sleep(300);
            for (ConnectionFlood f : floods) {
              f.trickle(step, 50);
              if (step == 2) {
                f.cutSome(50);
              }
            }
            for (Port p : ports) {
              assertEquals(
                  p.answer(),
                  ConnectionFlood.ask(p.port(), p.probe(), PROBE_WAIT),
                  p.name() + " during round " + (r + 1) + "\n" + tail(cc));
            }
            mostThreads = Math.max(mostThreads, threads(cc));
          }
        } finally {
          floods.forEach(ConnectionFlood::close);
        }
        int threadsAfter = awaitSettled(() -> threads(cc), baseThreads + THREAD_SLACK);
        int leftOpen = awaitSettled(() -> connections(cc, portNumbers), 0);
        System.out.println(
            "flood round "
                + (r + 1)
                + " ("
                + rounds[r][0]
                + " x the cap in half heads + "
                + rounds[r][1]
                + " x in idle connections per port; caps "
                + API_CAP
                + " and "
                + VM_MONITOR_CAP
                + ", "
                + (System.nanoTime() - roundStart) / 1_000_000
                + " ms): threads "
                + baseThreads
                + " -> at most "
                + mostThreads
                + " -> "
                + threadsAfter
                + "; connections left open on the three ports: "
                + leftOpen);
        // Stalled clients cost buffers, not threads: the floods added none to speak of.
        assertTrue(
            mostThreads <= baseThreads + THREAD_SLACK,
            "threads " + baseThreads + " -> " + mostThreads + " during round " + (r + 1));
        assertTrue(threadsAfter <= baseThreads + THREAD_SLACK, "threads after round " + (r + 1));
        assertEquals(0, leftOpen, "connections left open after round " + (r + 1));
        for (Port p : ports) {
          assertEquals(
              p.answer(),
              ConnectionFlood.ask(p.port(), p.probe(), PROBE_WAIT),
              p.name() + " after round " + (r + 1));
        }
      }
      assertTrue(cc.process().isAlive(), cc.log());
    }
  }

  @Test
  void limits_stalledRequestsAreCut_oversizedHeadsRefused_pastTheCapTheLongestWaitingIsClosed()
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
      // Up to the cap connections are kept; past it the one that waited longest makes room. Each
      // held connection is served once first: one that never sent a byte would be cut after the
      // 2 s request timeout set above, which a loaded machine can pass before the check.
      for (int i = 0; i < 40; i++) {
        Socket s = send(node, "GET /status HTTP/1.1\r\nHost: c\r\n\r\n");
        held.add(s);
        assertTrue(readAnswer(s).startsWith("HTTP/1.1 200 OK"), "held connection " + i);
      }
      // All 40 accepted (in compute_ctl's own sockets) before the 41st comes.
      Await.until(
          "compute_ctl holding the 40 connections",
          () -> {
            try {
              return connections(cc, Set.of(node.externalPort())) >= 40;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      try (Socket over = send(node, "GET /status HTTP/1.1\r\nHost: c\r\n\r\n")) {
        assertTrue(
            readOutcome(over, Duration.ofSeconds(30)).startsWith("HTTP/1.1 200 OK"),
            "the 41st connection is served");
      }
      assertEquals("closed", readOutcome(held.get(0), Duration.ofSeconds(30)));
      for (Socket s : held.subList(1, 40)) {
        assertEquals("open", readOutcome(s, Duration.ofMillis(1)));
      }
      closeAll(held);
      cc.awaitStatus(b -> b.contains("\"empty\""), Duration.ofSeconds(60));
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
  /** Reads one whole answer (head and Content-Length body), leaving the connection open. */
  private static String readAnswer(Socket s) throws IOException {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return "closed";
      }
      head.append((char) b);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

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

  /**
   * A directory holding a {@code cgexec} that runs its command without a cgroup (autoscaling
   * computes run Postgres through cgexec; this machine has no cgroup for it).
   */
  private static Path cgexecShim() throws IOException {
    Path dir = TestPg.workDir("computectl-cgexec-");
    Path shim = dir.resolve("cgexec");
    Files.writeString(
        shim, "#!/bin/sh\n# cgexec -g memory:neon-postgres CMD...\nshift 2\nexec \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private interface Reading {
    int get() throws IOException;
  }

  /**
   * With no bound, the reading once the process has had a second to settle; with one, waits (20 s
   * at most) for the reading to come down to it and returns the last reading.
   */
  private static int awaitSettled(Reading reading, int bound)
      throws IOException, InterruptedException {
    if (bound == Integer.MAX_VALUE) {
      Thread.sleep(1000);
      return reading.get();
    }
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int v = reading.get();
    while (v > bound && System.nanoTime() < until) {
      Thread.sleep(200);
      v = reading.get();
    }
    return v;
  }

  /**
   * Connections the process holds open on {@code ports} (its listeners aside): its socket inodes
   * matched against the kernel's TCP tables.
   */
  private static int connections(ComputeCtlProcess cc, Set<Integer> ports) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(cc.process().pid()), "fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring(8, link.length() - 1));
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    }
    int n = 0;
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines =
          Files.readAllLines(Path.of("/proc", Long.toString(cc.process().pid()), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+", -1);
        int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        boolean listening = f[3].equals("0A");
        if (!listening && ports.contains(localPort) && inodes.contains(f[9])) {
          n++;
        }
      }
    }
    return n;
  }

  private static String tail(ComputeCtlProcess cc) {
    String log = cc.log();
    return log.substring(Math.max(0, log.length() - 4000));
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
