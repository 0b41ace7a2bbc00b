package computectl.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of a {@link SelectorServer}. The selector thread reads what arrives into
 * this connection's buffer and parses it (head, then body) without ever waiting for more; only a
 * request that has arrived whole is handed to a worker. A worker writes its response without
 * waiting either: what the socket does not take at once is queued here and the selector thread
 * writes it when the client reads. So a client that stalls, trickles or stops reading costs a
 * buffer, never a thread. Every field is guarded by this object's lock.
 */
final class ClientConnection {
  /** While a request runs, input past this much (pipelined requests) waits in the socket. */
  private static final int MAX_BUFFERED_WHILE_BUSY = 64 * 1024;

  /** A streamed response waits for the client once this much is queued for it. */
  static final long STREAM_HIGH_WATER = 256 * 1024;

  private enum Phase {
    HEAD,
    BODY
  }

  private final SelectorServer server;
  private final SocketChannel channel;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private SelectionKey key;

  private byte[] in = new byte[0];
  private int inLen;
  private int scanFrom;
  private Phase phase = Phase.HEAD;
  private RequestHead head;
  private ByteArrayOutputStream body;
  private long bodyLeft;
  private long bodySeen;
  private ChunkedDecoder chunked;

  /** When the current request's first byte arrived (0 between requests). */
  private long requestStart;

  private long idleSince = System.nanoTime();
  private boolean servedOne;
  private boolean busy;
  private boolean inputEnded;
  private boolean readPaused;
  private boolean closeAfterResponse;

  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long lastWrite;
  private boolean exchangeDone;
  private boolean closed;

  ClientConnection(SelectorServer server, SocketChannel channel) throws IOException {
    this.server = server;
    this.channel = channel;
    this.remote = (InetSocketAddress) channel.getRemoteAddress();
    this.local = (InetSocketAddress) channel.getLocalAddress();
  }

  void attach(SelectionKey key) {
    this.key = key;
  }

  InetSocketAddress remote() {
    return remote;
  }

  InetSocketAddress local() {
    return local;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Since when this connection has held its place without a request running (idle, or a request
   * still arriving), or {@link Long#MAX_VALUE} while one runs.
   */
  synchronized long waitingSince() {
    if (closed || busy) {
      return Long.MAX_VALUE;
    }
    return requestStart != 0 ? requestStart : idleSince;
  }

  // ---- selector thread: reading ----

  /** Reads what the socket holds (one buffer's worth) and moves the request along. */
  void onReadable(ByteBuffer scratch) {
    int n;
    try {
      scratch.clear();
      n = channel.read(scratch);
    } catch (IOException e) {
      close();
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      if (n < 0) {
        inputEnded = true;
        if (!busy) {
          // Between requests, or in the middle of one: a request cut short is never served.
          close();
          return;
        }
      } else if (n > 0) {
        scratch.flip();
        append(scratch);
        if (busy && inLen > MAX_BUFFERED_WHILE_BUSY) {
          readPaused = true;
        }
      }
      advance();
      updateInterest();
    }
  }

  private void append(ByteBuffer data) {
    if (requestStart == 0 && !busy) {
      requestStart = System.nanoTime();
    }
    int n = data.remaining();
    if (in.length < inLen + n) {
      in = Arrays.copyOf(in, Math.max(inLen + n, Math.max(1024, in.length * 2)));
    }
    data.get(in, inLen, n);
    inLen += n;
  }

  /** Parses what is buffered; hands a whole request to a worker. Called with the lock held. */
  private void advance() {
    try {
      while (!busy && !closed) {
        if (phase == Phase.HEAD && !readHead()) {
          return;
        }
        if (phase == Phase.BODY && !readBody()) {
          return;
        }
      }
    } catch (RequestHead.Refused e) {
      refuse(e);
    }
  }

  private boolean readHead() throws RequestHead.Refused {
    int skip = 0;
    while (skip < inLen && (in[skip] == '\r' || in[skip] == '\n')) {
      skip++; // stray line ends between requests
    }
    consume(skip);
    if (inLen == 0) {
      requestStart = 0;
      return false;
    }
    if (requestStart == 0) {
      requestStart = System.nanoTime();
    }
    int end = headEnd();
    if (end < 0) {
      if (inLen > server.limits().maxHeaderBytes()) {
        throw new RequestHead.Refused(0, "request head over the limit");
      }
      return false;
    }
    if (end > server.limits().maxHeaderBytes()) {
      throw new RequestHead.Refused(0, "request head over the limit");
    }
    head = RequestHead.parse(in, end);
    consume(end);
    scanFrom = 0;
    body = new ByteArrayOutputStream();
    bodySeen = 0;
    bodyLeft = head.bodyLength() == RequestHead.CHUNKED ? 0 : head.bodyLength();
    chunked = head.bodyLength() == RequestHead.CHUNKED ? new ChunkedDecoder() : null;
    phase = Phase.BODY;
    if (head.expectsContinue() && head.bodyLength() != 0) {
      writeNow(
          ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }
    return true;
  }

  /** The end of the head (after its empty line), or -1 when it has not all arrived. */
  private int headEnd() {
    for (int i = Math.max(scanFrom, 1); i < inLen; i++) {
      if (in[i] == '\n'
          && (in[i - 1] == '\n' || (in[i - 1] == '\r' && i >= 2 && in[i - 2] == '\n'))) {
        return i + 1;
      }
    }
    scanFrom = Math.max(1, inLen - 2);
    return -1;
  }

  /**
   * Takes body bytes from the buffer. A body is kept up to one byte past the limit (so the handler
   * sees that it is too long and answers 413); the rest is read and dropped, up to {@link
   * SelectorServer#DRAIN_LIMIT}, so that the client gets to read the answer.
   */
  private boolean readBody() throws RequestHead.Refused {
    long keep = server.bodyLimit() + 1;
    if (chunked != null) {
      int used = chunked.decode(in, 0, inLen, body, keep);
      consume(used);
      bodySeen = chunked.decoded();
      if (!chunked.done() && bodySeen <= keep + SelectorServer.DRAIN_LIMIT) {
        return false;
      }
      closeAfterResponse |= !chunked.done();
    } else {
      boolean tooLong = head.bodyLength() > server.bodyLimit();
      if (tooLong && head.bodyLength() > keep + SelectorServer.DRAIN_LIMIT) {
        closeAfterResponse = true; // answered at once; the rest is not worth reading
      } else {
        int n = (int) Math.min(bodyLeft, inLen);
        if (!tooLong) {
          body.write(in, 0, n);
        }
        consume(n);
        bodyLeft -= n;
        if (bodyLeft > 0) {
          return false;
        }
      }
    }
    dispatch();
    return true;
  }

  private void consume(int n) {
    if (n > 0) {
      System.arraycopy(in, n, in, 0, inLen - n);
      inLen -= n;
      scanFrom = 0;
    }
    if (inLen == 0 && in.length > 4096) {
      in = new byte[0]; // an idle connection keeps no large buffer
    }
  }

  private void dispatch() {
    busy = true;
    phase = Phase.HEAD;
    requestStart = 0;
    Exchange exchange = new Exchange(this, head, body.toByteArray());
    head = null;
    body = null;
    chunked = null;
    server.execute(exchange);
  }

  /** A head the server will not serve: answered (and closed) or closed at once. */
  private void refuse(RequestHead.Refused e) {
    if (e.status == 0) {
      close();
      return;
    }
    String text = "<h1>" + e.status + Exchange.reason(e.status) + "</h1>" + e.getMessage();
    String answer =
        "HTTP/1.1 "
            + e.status
            + Exchange.reason(e.status)
            + "\r\nContent-Length: "
            + text.length()
            + "\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
            + text;
    busy = true;
    exchangeDone = true;
    closeAfterResponse = true;
    writeNow(ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
    if (pendingBytes == 0) {
      close();
    }
  }

  /** Sets what the selector waits for on this connection; selector thread, lock held. */
  void updateInterest() {
    if (closed || key == null || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (!inputEnded && !readPaused && !(busy && exchangeDone)) {
      ops |= SelectionKey.OP_READ;
    }
    if (pendingBytes > 0) {
      ops |= SelectionKey.OP_WRITE;
    }
    key.interestOps(ops);
  }

  // ---- selector thread: writing queued output, timeouts ----

  synchronized void onWritable() {
    if (closed) {
      return;
    }
    try {
      flushPending();
    } catch (IOException e) {
      close();
      return;
    }
    if (pendingBytes == 0) {
      notifyAll();
      if (exchangeDone) {
        finishExchange();
      }
    }
    if (!closed) {
      updateInterest();
    }
  }

  /**
   * Cuts a request that has not arrived whole in time, output the client has not read in time, and
   * connections idle for too long.
   */
  synchronized void sweep(long now, HttpLimits limits) {
    if (closed) {
      return;
    }
    long requestLimit = TimeUnit.SECONDS.toNanos(limits.requestTimeoutSeconds());
    if (pendingBytes > 0 && now - lastWrite > requestLimit) {
      close();
    } else if (!busy && requestStart != 0 && now - requestStart > requestLimit) {
      close();
    } else if (!busy && requestStart == 0) {
      long idle = TimeUnit.SECONDS.toNanos(SelectorServer.IDLE_SECONDS);
      if (!servedOne) {
        idle = Math.min(idle, requestLimit); // a connection that never sent a byte
      }
      if (now - idleSince > idle) {
        close();
      }
    }
  }

  // ---- worker: the response ----

  /**
   * Sends response bytes. What the socket does not take now is queued for the selector thread; with
   * {@code mayWait} (a streamed body) the caller waits while much is queued.
   *
   * @throws IOException when the connection is closed or the client stopped reading
   */
  synchronized void send(ByteBuffer[] data, boolean mayWait) throws IOException {
    if (closed) {
      throw new IOException("connection closed");
    }
    boolean wasEmpty = pendingBytes == 0;
    if (wasEmpty) {
      try {
        channel.write(data);
      } catch (IOException e) {
        close(); // the client has gone: its place is given back here, not left to a timer
        throw e;
      }
      lastWrite = System.nanoTime();
    }
    for (ByteBuffer b : data) {
      if (b.hasRemaining()) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining()).put(b).flip();
        pending.add(copy);
        pendingBytes += copy.remaining();
      }
    }
    if (wasEmpty && pendingBytes > 0) {
      server.schedule(this);
    }
    if (!mayWait) {
      return;
    }
    long deadline =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(server.limits().requestTimeoutSeconds());
    while (pendingBytes > STREAM_HIGH_WATER && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        close();
        throw new IOException("the client stopped reading the response");
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IOException("interrupted while sending the response", e);
      }
    }
    if (closed) {
      throw new IOException("connection closed");
    }
  }

  /** The response is complete: once it is written, the next request is read (or we close). */
  synchronized void exchangeDone(boolean close) {
    if (closed || exchangeDone) {
      return;
    }
    exchangeDone = true;
    closeAfterResponse |= close;
    if (pendingBytes == 0) {
      finishExchange();
    }
  }

  /** Closes now when no request runs, else once its answer is written (the server is closing). */
  synchronized void closeAfterExchange() {
    if (busy) {
      closeAfterResponse = true;
    } else {
      close();
    }
  }

  synchronized boolean closesAfterResponse() {
    return closeAfterResponse;
  }

  private void finishExchange() {
    if (closeAfterResponse) {
      close();
      return;
    }
    busy = false;
    exchangeDone = false;
    servedOne = true;
    idleSince = System.nanoTime();
    boolean resume = readPaused;
    readPaused = false;
    advance(); // a request the client sent meanwhile
    if (!busy && inputEnded) {
      close(); // the client has said all it will; what is left cannot become a request
    } else if (resume && !closed) {
      server.schedule(this);
    }
  }

  private void writeNow(ByteBuffer data) {
    try {
      send(new ByteBuffer[] {data}, false);
    } catch (IOException e) {
      close();
    }
  }

  private void flushPending() throws IOException {
    while (!pending.isEmpty()) {
      ByteBuffer b = pending.peek();
      int n = channel.write(b);
      if (n > 0) {
        lastWrite = System.nanoTime();
        pendingBytes -= n;
      }
      if (b.hasRemaining()) {
        return;
      }
      pending.poll();
    }
  }

  /**
   * Closes the socket and gives the connection's place back: the one place a connection stops
   * counting against the server's cap, whoever closes it and why.
   */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pending.clear();
    pendingBytes = 0;
    in = new byte[0];
    notifyAll();
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to do for a socket that fails to close
    }
    server.closed(this);
  }
}
