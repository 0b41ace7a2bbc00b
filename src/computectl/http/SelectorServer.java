package computectl.http;

import com.sun.net.httpserver.HttpHandler;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP/1.1 server: one selector thread accepts connections and reads requests without blocking
 * (see {@link ClientConnection}); a worker pool runs each request that has arrived whole through
 * the handler. Connections are kept alive between requests.
 *
 * <p>The JDK's own server reads a request head and body on a pool thread, blocking, from the
 * request's first byte; it also counts its connections in lists that a failed response write leaves
 * behind (see docs/reliability.md). Here a connection counts against the cap from its accept to its
 * close, and nothing but a whole request ever takes a thread.
 */
final class SelectorServer implements AutoCloseable {
  /** Idle keep-alive connections are closed after this long (the JDK server's interval). */
  static final long IDLE_SECONDS = 30;

  /**
   * Past the body limit, up to this much more is read and dropped so that the client reads its 413;
   * past that the connection is closed after the answer.
   */
  static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How long {@link #close()} lets answers in flight finish. compute_ctl closes its servers as it
   * exits, at the moment the compute is terminated, while the {@code /terminate} that asked for it
   * is being answered: that answer must still reach the control plane.
   */
  static final Duration DRAIN = Duration.ofSeconds(2);

  private final String name;
  private final ServerSocketChannel listener;
  private final Selector selector;
  private final HttpHandler handler;
  private final Executor workers;
  private final HttpLimits limits;
  private final Thread thread;
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<ClientConnection> scheduled = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
  private final Object drained = new Object();
  private volatile boolean draining;
  private volatile boolean stopping;

  /**
   * Binds {@code address} (the error is the caller's to word).
   *
   * @throws IOException when the address cannot be bound
   */
  SelectorServer(
      String name, InetSocketAddress address, HttpHandler handler, Executor workers, HttpLimits l)
      throws IOException {
    this.name = name;
    this.handler = handler;
    this.workers = workers;
    this.limits = l;
    this.listener = ServerSocketChannel.open();
    try {
      listener.bind(address, 128);
      listener.configureBlocking(false);
      this.selector = Selector.open();
      listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    this.thread = new Thread(this::loop, "http-" + name + "-selector");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int port() {
    return listener.socket().getLocalPort();
  }

  HttpLimits limits() {
    return limits;
  }

  long bodyLimit() {
    return ApiRequest.BODY_LIMIT;
  }

  /** Open connections (for tests and logs). */
  int openConnections() {
    return connections.size();
  }

  private void loop() {
    long nextSweep = System.nanoTime() + SWEEP_NANOS;
    while (!stopping) {
      try {
        selector.select(1000);
        wakeupPending.set(false);
        for (ClientConnection c; (c = scheduled.poll()) != null; ) {
          synchronized (c) {
            c.updateInterest();
          }
        }
        Set<SelectionKey> keys = selector.selectedKeys();
        for (SelectionKey key : keys) {
          try {
            handle(key);
          } catch (CancelledKeyException e) {
            // closed by a worker meanwhile
          }
        }
        keys.clear();
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          nextSweep = now + SWEEP_NANOS;
          for (ClientConnection c : connections) {
            c.sweep(now, limits);
          }
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // The loop must outlive any one connection's trouble; say what happened and go on.
        Log.error(
            "compute_ctl " + name + " HTTP server: selector loop: " + ComputeCtlException.chain(e));
      }
    }
  }

  private void handle(SelectionKey key) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      acceptAll();
      return;
    }
    ClientConnection c = (ClientConnection) key.attachment();
    if (key.isWritable()) {
      c.onWritable();
    }
    if (key.isValid() && key.isReadable()) {
      c.onReadable(scratch);
    }
  }

  /**
   * Accepts what is waiting. The cap counts open connections, whatever they are doing; at the cap
   * the connection that has waited longest without a request running (idle, or with a request still
   * arriving) is closed to make room, so that clients holding connections cannot lock the control
   * plane out. Only when every connection has a request running is the new one closed.
   */
  private void acceptAll() throws IOException {
    for (int i = 0; i < 256; i++) {
      SocketChannel ch = listener.accept();
      if (ch == null) {
        return;
      }
      if (draining || (connections.size() >= limits.maxConnections() && !evictOne())) {
        ch.close();
        continue;
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ClientConnection c = new ClientConnection(this, ch);
        connections.add(c);
        c.attach(ch.register(selector, SelectionKey.OP_READ, c));
      } catch (IOException e) {
        ch.close(); // gone before we could look at it
      }
    }
  }

  private boolean evictOne() {
    ClientConnection oldest = null;
    long oldestSince = Long.MAX_VALUE;
    long now = System.nanoTime();
    for (ClientConnection c : connections) {
      long since = c.waitingSince();
      if (since != Long.MAX_VALUE && (oldest == null || now - since > now - oldestSince)) {
        oldest = c;
        oldestSince = since;
      }
    }
    if (oldest == null) {
      return false;
    }
    oldest.close();
    return true;
  }

  /** Runs a whole request on a worker; the exchange is always closed afterwards. */
  void execute(Exchange exchange) {
    try {
      workers.execute(() -> run(exchange));
    } catch (RuntimeException e) {
      Log.error("compute_ctl " + name + " HTTP server: cannot run a request: " + e.getMessage());
      exchange.connection().close();
    }
  }

  private void run(Exchange exchange) {
    try {
      handler.handle(exchange);
    } catch (IOException | RuntimeException | Error e) {
      Log.error(
          "compute_ctl " + name + " HTTP server: request failed: " + ComputeCtlException.chain(e));
      exchange.connection().close();
    } finally {
      exchange.close();
    }
  }

  /** Asks the selector thread to look at this connection's interests again. */
  void schedule(ClientConnection c) {
    scheduled.add(c);
    wakeup();
  }

  /** A connection closed: it stops counting against the cap. */
  void closed(ClientConnection c) {
    connections.remove(c);
    if (draining) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
    if (Thread.currentThread() != thread) {
      wakeup(); // so that the selector lets go of the socket now, not at its next tick
    }
  }

  private void wakeup() {
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /**
   * Stops accepting, closes idle connections, gives the requests running {@link #DRAIN} to be
   * answered, then closes what is left.
   */
  @Override
  public void close() {
    close(DRAIN);
  }

  void close(Duration drain) {
    draining = true;
    try {
      listener.close();
    } catch (IOException e) {
      Log.debug("compute_ctl " + name + " HTTP server: close: " + e.getMessage());
    }
    for (ClientConnection c : new ArrayList<>(connections)) {
      c.closeAfterExchange();
    }
    try {
      awaitDrained(drain);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopping = true;
    for (ClientConnection c : new ArrayList<>(connections)) {
      c.close();
    }
    selector.wakeup();
    try {
      thread.join(2000);
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      Log.debug("compute_ctl " + name + " HTTP server: close: " + e.getMessage());
    }
  }

  private void awaitDrained(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (drained) {
      for (long left = limit.toNanos(); !connections.isEmpty() && left > 0; ) {
        TimeUnit.NANOSECONDS.timedWait(drained, left);
        left = deadline - System.nanoTime();
      }
    }
  }
}
