package computectl.vmmonitor;

import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Accepts connections and reads their HTTP request heads on one selector thread, without blocking,
 * so that clients that send half a request, trickle or say nothing cost a small buffer and never a
 * thread, however many they are. A connection whose head has arrived whole is handed over in
 * blocking mode (with the bytes read so far) on this thread; one that has not within its deadline,
 * or falls silent for {@link #SILENCE}, is closed.
 */
final class UpgradeListener {
  /**
   * Connections whose request is still arriving; at this many, the one that has waited longest is
   * closed to make room, so that a flood cannot lock the agent out.
   */
  static final int MAX_PENDING = 1024;

  private static final Duration SILENCE = Duration.ofSeconds(4);

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Duration deadline;
  private final BiConsumer<SocketChannel, byte[]> onRequest;
  private final Map<SocketChannel, Pending> pending = new HashMap<>();
  private final ByteBuffer scratch = ByteBuffer.allocate(4096);
  private volatile boolean stopped;

  private static final class Pending {
    final long since = System.nanoTime();
    long lastByte = since;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  }

  /**
   * @param onRequest gets a blocking channel and what was read (the whole head, perhaps more)
   * @throws IOException when the address cannot be bound
   */
  UpgradeListener(
      InetSocketAddress address, Duration deadline, BiConsumer<SocketChannel, byte[]> onRequest)
      throws IOException {
    this.deadline = deadline;
    this.onRequest = onRequest;
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address);
      server.configureBlocking(false);
      this.selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      throw e;
    }
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("vm-monitor: listener closed", e);
    }
  }

  /** Runs until {@link #stop}; the owner's accept thread. */
  void run() {
    while (!stopped) {
      try {
        selector.select(250);
        List<SocketChannel> complete = new ArrayList<>();
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            acceptAll();
          } else if (key.isReadable()) {
            read((SocketChannel) key.channel(), complete);
          }
        }
        selector.selectedKeys().clear();
        if (!complete.isEmpty()) {
          selector.selectNow(); // lets go of the handed-over channels, so they can block
          selector.selectedKeys().clear();
          for (SocketChannel ch : complete) {
            handOver(ch);
          }
        }
        sweep();
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (!stopped) {
          Log.error("vm-monitor: accept loop: " + e);
        }
      }
    }
  }

  private void acceptAll() throws IOException {
    for (int i = 0; i < 256; i++) {
      SocketChannel ch = server.accept();
      if (ch == null) {
        return;
      }
      if (stopped) {
        ch.close();
        continue;
      }
      if (pending.size() >= MAX_PENDING) {
        evictOldest();
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.register(selector, SelectionKey.OP_READ);
        pending.put(ch, new Pending());
      } catch (IOException e) {
        ch.close();
      }
    }
  }

  private void read(SocketChannel ch, List<SocketChannel> complete) {
    Pending p = pending.get(ch);
    if (p == null) {
      return;
    }
    int n;
    try {
      scratch.clear();
      n = ch.read(scratch);
    } catch (IOException e) {
      n = -1;
    }
    if (n < 0) {
      drop(ch, "closed before its request arrived");
      return;
    }
    p.lastByte = System.nanoTime();
    p.bytes.write(scratch.array(), 0, n);
    if (headComplete(p.bytes.toByteArray()) || p.bytes.size() > HttpUpgrade.MAX_HEAD_BYTES) {
      // Too long: handed over all the same, so that the request is answered with its 400.
      ch.keyFor(selector).cancel();
      complete.add(ch);
    }
  }

  private static boolean headComplete(byte[] b) {
    for (int i = 1; i < b.length; i++) {
      if (b[i] == '\n' && (b[i - 1] == '\n' || (b[i - 1] == '\r' && i >= 2 && b[i - 2] == '\n'))) {
        return true;
      }
    }
    return false;
  }

  private void handOver(SocketChannel ch) {
    Pending p = pending.remove(ch);
    try {
      ch.configureBlocking(true);
    } catch (IOException e) {
      close(ch);
      return;
    }
    onRequest.accept(ch, p.bytes.toByteArray());
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<SocketChannel, Pending> e : new ArrayList<>(pending.entrySet())) {
      Pending p = e.getValue();
      if (now - p.since > deadline.toNanos()) {
        drop(e.getKey(), "its request did not arrive within " + deadline.toMillis() + " ms");
      } else if (now - p.lastByte > SILENCE.toNanos()) {
        drop(
            e.getKey(),
            "it sent nothing for " + TimeUnit.NANOSECONDS.toMillis(now - p.lastByte) + " ms");
      }
    }
  }

  private void evictOldest() {
    SocketChannel oldest = null;
    long since = Long.MAX_VALUE;
    for (Map.Entry<SocketChannel, Pending> e : pending.entrySet()) {
      if (e.getValue().since < since) {
        since = e.getValue().since;
        oldest = e.getKey();
      }
    }
    if (oldest != null) {
      drop(oldest, "too many pending upgrade requests");
    }
  }

  private void drop(SocketChannel ch, String why) {
    pending.remove(ch);
    Log.debug("vm-monitor: closing a connection from " + remote(ch) + ": " + why);
    close(ch);
  }

  private static String remote(SocketChannel ch) {
    try {
      return String.valueOf(ch.getRemoteAddress());
    } catch (IOException e) {
      return "a closed socket";
    }
  }

  private static void close(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  /** Stops accepting and closes every connection still pending; called from another thread. */
  void stop() {
    stopped = true;
    try {
      server.close();
    } catch (IOException e) {
      Log.debug("vm-monitor: close: " + e.getMessage());
    }
    selector.wakeup();
  }

  /** After the accept thread has ended: closes what it left. */
  void closeAll() {
    for (SocketChannel ch : new ArrayList<>(pending.keySet())) {
      close(ch);
    }
    pending.clear();
    try {
      selector.close();
    } catch (IOException e) {
      Log.debug("vm-monitor: close: " + e.getMessage());
    }
  }
}
