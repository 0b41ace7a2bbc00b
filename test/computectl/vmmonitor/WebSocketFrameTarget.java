package computectl.vmmonitor;

import computectl.fuzz.FuzzTarget;
import computectl.fuzz.Probe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The vm-monitor's WebSocket frame reader and agent-message parser on mutated client byte streams
 * (in memory: the reader's socket is only written to and closed). A case reads messages until the
 * stream ends, the peer closes or a protocol error; the first text message is parsed as the agent's
 * version range, the others as agent messages. Our errors are the reader's protocol error (with its
 * close code), a stream cut inside a frame, and the vm-monitor's own.
 */
public final class WebSocketFrameTarget implements FuzzTarget {
  private final List<byte[]> corpus = new ArrayList<>();

  public WebSocketFrameTarget() {
    String[] agent = {
      "{\"min\":1,\"max\":1}",
      "{\"content\":{},\"type\":\"HealthCheck\",\"id\":2}\n",
      "{\"content\":{\"granted\":{\"cpu\":1.25,\"mem\":5368709120}},\"type\":\"UpscaleNotification\",\"id\":4}",
      "{\"content\":{\"target\":{\"cpu\":0.5,\"mem\":2147483648}},\"type\":\"DownscaleRequest\",\"id\":4}",
      "{\"content\":{\"error\":\"simulated\"},\"type\":\"InternalError\",\"id\":3}",
      "{\"content\":{\"error\":\"unknown id\"},\"type\":\"InvalidMessage\",\"id\":2}"
    };
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String m : agent) {
      all.writeBytes(frame(0x81, text(m), 0));
    }
    all.writeBytes(frame(0x88, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}, 0));
    corpus.add(all.toByteArray());
    ByteArrayOutputStream fragmented = new ByteArrayOutputStream();
    fragmented.writeBytes(frame(0x81, text(agent[0]), 0x5A3C1F07));
    fragmented.writeBytes(frame(0x01, text("{\"content\":{},\"type\":"), 0x11223344));
    fragmented.writeBytes(frame(0x89, text("ping"), 0));
    fragmented.writeBytes(frame(0x80, text("\"HealthCheck\",\"id\":9}"), 0));
    fragmented.writeBytes(frame(0x82, new byte[300], 0));
    fragmented.writeBytes(frame(0x8A, new byte[0], 0));
    corpus.add(fragmented.toByteArray());
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    big.writeBytes(frame(0x81, text(agent[0]), 0));
    big.writeBytes(
        frame(
            0x81,
            text(
                "{\"content\":{},\"type\":\"HealthCheck\",\"id\":1,\"pad\":\""
                    + "x".repeat(70_000)
                    + "\"}"),
            0));
    corpus.add(big.toByteArray());
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A client frame: FIN/opcode byte, masked length (7, 16 or 64 bit), mask key, masked payload. */
  static byte[] frame(int b0, byte[] payload, int mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    int n = payload.length;
    if (n < 126) {
      out.write(0x80 | n);
    } else if (n <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        out.write(i >= 4 ? 0 : n >>> (8 * i));
      }
    }
    byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    out.writeBytes(key);
    for (int i = 0; i < n; i++) {
      out.write(payload[i] ^ key[i & 3]);
    }
    return out.toByteArray();
  }

  @Override
  public String name() {
    return "websocket";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    return List.of(
        "\u0081",
        "\u0088",
        "\u0089",
        "\u0080",
        "\u00fe",
        "\u00ff\u00ff",
        "\u007f",
        "{\"min\":",
        "\"max\":",
        "\"type\":",
        "\"content\":",
        "\"id\":",
        "\"granted\":",
        "\"target\":",
        "\"cpu\":",
        "\"mem\":",
        "1e400",
        "-1",
        "18446744073709551616",
        "[[[[[[[[[[[[",
        "\"\\ud800\"");
  }

  @Override
  public int maxInputBytes() {
    return 160 << 10;
  }

  @Override
  public boolean isOurError(Throwable t) {
    return t instanceof WebSocketProtocolException
        || t instanceof VmMonitorException
        || (t instanceof EOFException
            && "connection closed in the middle of a frame".equals(t.getMessage()));
  }

  @Override
  public void run(byte[] input, Probe probe) {
    WebSocketConnection ws =
        new WebSocketConnection(
            new SinkSocket(),
            new ByteArrayInputStream(input),
            WebSocketConnection.MAX_MESSAGE_BYTES);
    boolean first = true;
    while (true) {
      WebSocketConnection.Message m = probe.attempt("read", ws::read).orElse(null);
      if (m == null) {
        return;
      }
      if (m.text()) {
        String text = m.payload();
        if (first) {
          probe.attempt("version range", () -> VersionRange.parse(text));
          first = false;
        } else {
          probe.attempt("agent message", () -> AgentMessage.parse(text));
        }
      }
    }
  }

  /** What the reader writes to (pongs, close frames) goes nowhere; nothing is ever read from it. */
  private static final class SinkSocket extends Socket {
    private final OutputStream sink = OutputStream.nullOutputStream();

    @Override
    public OutputStream getOutputStream() {
      return sink;
    }

    @Override
    public void shutdownOutput() {
      // nothing to shut
    }

    @Override
    public void setSoTimeout(int timeout) {
      // reads come from memory
    }

    @Override
    public synchronized void close() {
      // nothing to close
    }
  }
}
