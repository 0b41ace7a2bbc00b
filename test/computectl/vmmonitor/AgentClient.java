package computectl.vmmonitor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The autoscaler-agent's side, on the JDK's own WebSocket client (an independent RFC 6455
 * implementation): masked frames, no extensions, each message ending in a newline as the real
 * agent's JSON encoder writes it.
 */
final class AgentClient implements AutoCloseable {
  /** Generous, for a loaded machine: only a failing test waits this long. */
  static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket ws;

  private AgentClient(int port) throws Exception {
    this.ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(REPLY_TIMEOUT)
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/monitor"), new Listener())
            .get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  static AgentClient connect(int port) throws Exception {
    return new AgentClient(port);
  }

  /** Connects and completes the v1.0 handshake. */
  static AgentClient handshaken(int port) throws Exception {
    AgentClient c = connect(port);
    c.send("{\"min\":1,\"max\":1}");
    assertEquals("{\"version\":1}", c.next());
    return c;
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      w.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
      pongs.add(message);
      w.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
      ended.complete("close " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      ended.complete("error " + error);
    }
  }

  void send(String json) throws Exception {
    ws.sendText(json + "\n", true).get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  void sendBinary(byte[] data) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(data), true).get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Sends a ping and returns the pong's payload. */
  String ping(String payload) throws Exception {
    ws.sendPing(ByteBuffer.wrap(payload.getBytes(UTF_8)))
        .get(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    ByteBuffer pong = pongs.poll(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(pong, "no pong within " + REPLY_TIMEOUT);
    byte[] b = new byte[pong.remaining()];
    pong.get(b);
    return new String(b, UTF_8);
  }

  /** The next message from the monitor, within the agent's reply timeout. */
  String next() throws InterruptedException {
    return next(REPLY_TIMEOUT);
  }

  String next(Duration within) throws InterruptedException {
    String m = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(m, "no message from the monitor within " + within);
    return m;
  }

  /**
   * Nothing from the monitor so far: a ping's pong comes after everything the monitor sent before
   * it, so once it is here an earlier message would be too.
   */
  void expectNothingSent() throws Exception {
    assertEquals("sync", ping("sync"));
    assertNull(received.poll(), "unexpected message from the monitor");
  }

  void expectNothing(Duration during) throws InterruptedException {
    assertNull(
        received.poll(during.toMillis(), TimeUnit.MILLISECONDS),
        "unexpected message from the monitor");
  }

  /** How the connection ended ("close <code> <reason>" or "error ..."), waiting up to {@code within}. */
  String awaitEnd(Duration within) throws Exception {
    try {
      return ended.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("connection still open after " + within, e);
    }
  }

  boolean isEnded() {
    return ended.isDone();
  }

  @Override
  public void close() {
    ws.abort();
  }
}
