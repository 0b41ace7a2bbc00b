package computectl.standin;

import computectl.spec.Lsn;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A stand-in for Neon's pageserver (and, through TIMELINE_STATUS, a safekeeper) speaking the
 * Postgres v3 protocol on 127.0.0.1: {@code basebackup} answered with a COPY OUT of a tar (gzipped
 * on {@code --gzip}), {@code TIMELINE_STATUS} and {@code lease lsn}, in the simple and the extended
 * query protocol. Authentication, faults and answers are configurable at any time; every connection
 * is recorded. One accept thread plus one thread per connection, all named and all stopped by
 * {@link #close()}.
 */
public final class PageserverStandIn implements AutoCloseable {
  public enum Auth {
    TRUST,
    CLEARTEXT,
    MD5,
    SCRAM_SHA_256;

    /**
     * {@code trust}, {@code password} / {@code cleartext}, {@code md5} or {@code scram-sha-256}.
     */
    public static Auth parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "trust" -> TRUST;
        case "password", "cleartext" -> CLEARTEXT;
        case "md5" -> MD5;
        case "scram-sha-256", "scram" -> SCRAM_SHA_256;
        default ->
            throw new ComputeCtlException(
                "unknown authentication method \""
                    + s
                    + "\" (trust, password, md5 or scram-sha-256)");
      };
    }
  }

  static final int CHUNK_SIZE = 64 << 10;
  private static final long DEFAULT_LEASE_MILLIS = 3_600_000;

  private final int port;
  private final boolean portChosenByCaller;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final List<StandInSession> sessions = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<String> queryLog = new CopyOnWriteArrayList<>();
  private ServerSocket listener;
  private Thread acceptor;

  private volatile byte[] tar;
  private volatile byte[] gzipped;
  private volatile Lsn lsn = Lsn.ZERO;
  private volatile Auth auth = Auth.TRUST;
  private volatile String password;
  private volatile StandInFault fault;
  private final AtomicInteger failFirstLeft = new AtomicInteger();
  private volatile StandInFault failFirstFault;
  private volatile List<String> timelineStatus;
  private volatile boolean leaseGranted = true;
  private volatile long leaseValidUntil = -1;
  private volatile long queryDelayMillis;

  private PageserverStandIn(ServerSocket listener, boolean portChosenByCaller) {
    this.listener = listener;
    this.port = listener.getLocalPort();
    this.portChosenByCaller = portChosenByCaller;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port). */
  public static PageserverStandIn start(int port) throws IOException {
    PageserverStandIn s = new PageserverStandIn(bind(port), port != 0);
    s.startAcceptor();
    return s;
  }

  /** Listens and serves this basebackup, its end LSN reported as {@link #lsn()}. */
  public static PageserverStandIn start(int port, BasebackupTar backup) throws IOException {
    PageserverStandIn s = start(port);
    s.serveTar(backup.tar());
    s.setLsn(backup.endLsn());
    return s;
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    return ss;
  }

  private synchronized void startAcceptor() {
    ServerSocket ss = listener;
    Thread t = new Thread(() -> acceptLoop(ss), "standin-pageserver-" + port + "-accept");
    t.setDaemon(true);
    threads.add(t);
    acceptor = t;
    t.start();
  }

  private void acceptLoop(ServerSocket ss) {
    while (!ss.isClosed()) {
      Socket socket;
      try {
        socket = ss.accept();
        if (ss.isClosed()) {
          // Accepted while refuseConnections(true) was closing the listener: that connection
          // was meant to be refused, so it is dropped unserved.
          socket.close();
          return;
        }
        socket.setTcpNoDelay(true);
      } catch (IOException e) {
        if (!ss.isClosed()) {
          Log.warn("stand-in pageserver: accept failed: " + e.getMessage());
        }
        return;
      }
      int n = connectionCount.incrementAndGet();
      StandInSession session = new StandInSession(this, socket, faultForNewConnection());
      sessions.add(session);
      Thread t = new Thread(session, "standin-pageserver-" + port + "-conn-" + n);
      t.setDaemon(true);
      threads.removeIf(x -> !x.isAlive());
      threads.add(t);
      t.start();
      if (closing.getCount() == 0) {
        session.closeSocket();
      }
    }
  }

  private StandInFault faultForNewConnection() {
    if (failFirstLeft.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
      return failFirstFault;
    }
    return fault;
  }

  public int port() {
    return port;
  }

  /** How compute_ctl's spec names it (neon_local's form). */
  public String connstr() {
    return "postgresql://no_user@127.0.0.1:" + port;
  }

  /** The LSN of the served backup's end (what the sync-safekeepers shim should answer). */
  public Lsn lsn() {
    return lsn;
  }

  public PageserverStandIn setLsn(Lsn value) {
    this.lsn = value;
    return this;
  }

  public PageserverStandIn serveTar(byte[] archive) {
    synchronized (this) {
      this.tar = archive.clone();
      this.gzipped = null;
    }
    return this;
  }

  /**
   * Clients must authenticate with this method; {@code secret} is the password (the storage token).
   */
  public PageserverStandIn auth(Auth method, String secret) {
    this.auth = method;
    this.password = secret;
    return this;
  }

  /** A fault for every new connection (null: behave). */
  public PageserverStandIn fault(StandInFault f) {
    this.fault = f;
    return this;
  }

  /** The next {@code k} connections get {@code f}; later ones behave (or get {@link #fault}). */
  public PageserverStandIn failFirst(int k, StandInFault f) {
    this.failFirstFault = f;
    this.failFirstLeft.set(k);
    return this;
  }

  /**
   * While refusing, nothing listens on the port (connections are refused by the kernel). Only for a
   * stand-in started on a port the caller reserved: a port the kernel chose may be handed to
   * another socket while nothing holds it, and then connections would not be refused, nor could the
   * stand-in listen again.
   */
  public synchronized void refuseConnections(boolean refuse) throws IOException {
    if (!portChosenByCaller) {
      throw new IllegalStateException(
          "refuseConnections needs a stand-in started on a reserved port, not on port 0");
    }
    if (refuse && !listener.isClosed()) {
      listener.close();
      awaitAcceptorExit();
    } else if (!refuse && listener.isClosed() && closing.getCount() > 0) {
      listener = bind(port);
      startAcceptor();
    }
  }

  /**
   * Closing a listener that a thread is blocked accepting on only signals that thread: the kernel
   * socket stays open, and goes on completing handshakes, until the thread leaves accept. Waiting
   * for it makes "refused" true when refuseConnections returns, and frees the port for the next
   * bind.
   */
  private void awaitAcceptorExit() throws IOException {
    try {
      acceptor.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the accept thread to end", e);
    }
    if (acceptor.isAlive()) {
      throw new IOException("the accept thread of " + this + " did not end within 10 s");
    }
  }

  /**
   * TIMELINE_STATUS answers with these LSNs (the default is the served backup's end LSN for both).
   */
  public PageserverStandIn timelineStatus(Lsn flush, Lsn commit) {
    this.timelineStatus = List.of(flush.toString(), commit.toString());
    return this;
  }

  /** TIMELINE_STATUS answers with no row, as a safekeeper that does not know the timeline. */
  public PageserverStandIn timelineNotFound() {
    this.timelineStatus = List.of();
    return this;
  }

  /**
   * {@code lease lsn} answers this valid_until (ms since the epoch); the default is now + 1 hour.
   */
  public PageserverStandIn leaseValidUntil(long epochMillis) {
    this.leaseValidUntil = epochMillis;
    this.leaseGranted = true;
    return this;
  }

  /** {@code lease lsn} answers NULL: the LSN is behind the GC cutoff. */
  public PageserverStandIn refuseLeases() {
    this.leaseGranted = false;
    return this;
  }

  /** Every query waits this long before answering (slow server). */
  public PageserverStandIn queryDelay(long millis) {
    this.queryDelayMillis = millis;
    return this;
  }

  /** Every connection so far, in accept order. */
  public List<StandInConnection> connections() {
    List<StandInConnection> out = new ArrayList<>();
    for (StandInSession s : sessions) {
      out.add(s.snapshot());
    }
    return out;
  }

  /** Every query text received so far, from all connections. */
  public List<String> queries() {
    return List.copyOf(queryLog);
  }

  public int connectionCount() {
    return connectionCount.get();
  }

  Auth authMethod() {
    return auth;
  }

  String authPassword() {
    return password;
  }

  void logQuery(String query) {
    queryLog.add(query);
  }

  void delayQuery() {
    long d = queryDelayMillis;
    if (d > 0) {
      try {
        closing.await(d, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Blocks until {@link #close()} (a stalled stream). */
  void awaitClose() {
    try {
      closing.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<String> timelineStatusRow() {
    List<String> row = timelineStatus;
    if (row == null) {
      return List.of(lsn.toString(), lsn.toString());
    }
    return row.isEmpty() ? null : row;
  }

  String leaseValidUntilText() {
    if (!leaseGranted) {
      return null;
    }
    long v = leaseValidUntil;
    return Long.toString(v >= 0 ? v : System.currentTimeMillis() + DEFAULT_LEASE_MILLIS);
  }

  /**
   * The archive to send, gzipped (once, then cached) when asked. Null when nothing is configured.
   */
  byte[] archive(boolean gzip) throws IOException {
    synchronized (this) {
      if (tar == null || !gzip) {
        return tar;
      }
      if (gzipped == null) {
        gzipped = gzip(tar);
      }
      return gzipped;
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 1024);
    try (GZIPOutputStream gz = new FastGzip(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** gzip at the fastest level: the stand-in should not be the slow part of a test. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 64 << 10);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    synchronized (this) {
      try {
        listener.close();
      } catch (IOException e) {
        Log.debug("stand-in pageserver: closing the listener failed: " + e.getMessage());
      }
    }
    sessions.forEach(StandInSession::closeSocket);
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "PageserverStandIn[127.0.0.1:"
        + port
        + ", auth "
        + auth
        + ", fault "
        + fault
        + ", tar "
        + (tar == null ? "none" : tar.length + " bytes")
        + "]";
  }
}
