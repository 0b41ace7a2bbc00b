package computectl.vmmonitor;

import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The vm-monitor: a WebSocket server on {@code /monitor} for the autoscaler-agent, one agent
 * connection at a time. A new upgrade replaces the current connection (which stops at its next
 * message boundary and is dropped without a close frame, as upstream). Nothing runs before {@link
 * #start}; {@link #stop} ends every thread and socket it made.
 */
public final class VmMonitor implements AutoCloseable {
  /** The whole upgrade request must arrive within this, however slowly its bytes trickle in. */
  static final Duration UPGRADE_DEADLINE = Duration.ofSeconds(10);

  private final VmMonitorConfig config;
  private final LibpqConnstr connstr;
  private final UpgradeListener listener;
  private final Thread acceptor;
  private final Object lock = new Object();
  private final Set<MonitorSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionCounter = new AtomicInteger();
  private MonitorSession current;
  private volatile boolean stopped;

  private VmMonitor(VmMonitorConfig config, Duration upgradeDeadline) throws IOException {
    this.config = config;
    this.connstr =
        config.filecacheConnstr() == null ? null : LibpqConnstr.parse(config.filecacheConnstr());
    this.listener = new UpgradeListener(config.address(), upgradeDeadline, this::upgrade);
    this.acceptor = NamedThreads.daemon("vm-monitor-accept", listener::run);
  }

  /**
   * Binds the address and starts accepting agents; the error names the address if binding fails.
   */
  public static VmMonitor start(VmMonitorConfig config) {
    return start(config, UPGRADE_DEADLINE);
  }

  static VmMonitor start(VmMonitorConfig config, Duration upgradeDeadline) {
    VmMonitor m;
    try {
      m = new VmMonitor(config, upgradeDeadline);
    } catch (IOException e) {
      throw new VmMonitorException(
          "vm-monitor cannot listen on " + config.address() + ": " + e.getMessage(), e);
    }
    m.acceptor.start();
    Log.info("vm-monitor: listening on " + m.address() + " (" + config + ")");
    return m;
  }

  /**
   * compute_ctl's gate: starts the monitor only if {@code AUTOSCALING} is present in {@code env}
   * (any value, even empty); otherwise nothing at all is created.
   */
  public static Optional<VmMonitor> startIfAutoscaling(
      Map<String, String> env, VmMonitorConfig config) {
    return env.containsKey("AUTOSCALING") ? Optional.of(start(config)) : Optional.empty();
  }

  /** The bound address (with the real port when the config asked for port 0). */
  public InetSocketAddress address() {
    return listener.address();
  }

  public int port() {
    return address().getPort();
  }

  /** The current agent connection's state, if an agent is connected. */
  public Optional<SessionSnapshot> session() {
    synchronized (lock) {
      return Optional.ofNullable(current).map(MonitorSession::snapshot);
    }
  }

  /**
   * A request head has arrived whole (the listener read it without blocking): answers it, and on a
   * valid upgrade replaces the current connection with this one. Runs on the accept thread; it
   * writes one short answer and starts the session's own threads.
   */
  private void upgrade(SocketChannel ch, byte[] received) {
    Socket s = ch.socket();
    InputStream in =
        new BufferedInputStream(
            new SequenceInputStream(new ByteArrayInputStream(received), socketInput(s)));
    try {
      HttpUpgrade.Verdict verdict;
      try {
        HttpUpgrade.Request request = HttpUpgrade.read(in);
        verdict = HttpUpgrade.check(request);
        if (!verdict.upgrade()) {
          Log.info(
              "vm-monitor: "
                  + request.method()
                  + " "
                  + request.target()
                  + " from "
                  + s.getRemoteSocketAddress()
                  + ": "
                  + verdict.status()
                  + " "
                  + verdict.reason());
        }
      } catch (HttpUpgrade.BadRequestException e) {
        Log.info(
            "vm-monitor: bad HTTP request from "
                + s.getRemoteSocketAddress()
                + ": "
                + e.getMessage());
        verdict = new HttpUpgrade.Verdict(400, "Bad Request", List.of(), null);
      }
      if (!verdict.upgrade()) {
        HttpUpgrade.write(s.getOutputStream(), verdict);
        s.shutdownOutput();
        closeQuietly(s);
        return;
      }
      replaceSession(s, in, verdict);
    } catch (IOException e) {
      Log.info(
          "vm-monitor: upgrade request from "
              + s.getRemoteSocketAddress()
              + " failed: "
              + e.getMessage());
      closeQuietly(s);
    }
  }

  /** The socket's input; a socket closed meanwhile reads as ended. */
  private static InputStream socketInput(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      return InputStream.nullInputStream();
    }
  }

  private void replaceSession(Socket s, InputStream in, HttpUpgrade.Verdict verdict)
      throws IOException {
    MonitorSession session;
    synchronized (lock) {
      if (stopped) {
        closeQuietly(s);
        return;
      }
      if (current != null) {
        Log.info(
            "vm-monitor: new agent connection from "
                + s.getRemoteSocketAddress()
                + " replaces the current one");
        current.requestStop();
      }
      int number = connectionCounter.incrementAndGet();
      session =
          new MonitorSession(
              number,
              new WebSocketConnection(s, in, WebSocketConnection.MAX_MESSAGE_BYTES),
              config,
              connstr,
              this::sessionEnded);
      current = session;
      sessions.add(session);
    }
    try {
      HttpUpgrade.write(s.getOutputStream(), verdict);
    } catch (IOException e) {
      sessionEnded(session);
      throw e;
    }
    synchronized (lock) {
      if (stopped) {
        closeQuietly(s);
        sessionEnded(session);
        return;
      }
      Log.info("vm-monitor: agent connected from " + s.getRemoteSocketAddress());
      session.start();
    }
  }

  private void sessionEnded(MonitorSession session) {
    synchronized (lock) {
      sessions.remove(session);
      if (current == session) {
        current = null;
      }
    }
  }

  /** Stops accepting, closes every connection and waits (briefly) for every thread to end. */
  public void stop() {
    List<MonitorSession> toStop;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      toStop = new ArrayList<>(sessions);
    }
    listener.stop();
    toStop.forEach(MonitorSession::stopNow);
    try {
      acceptor.join(2000);
      listener.closeAll();
      for (MonitorSession session : toStop) {
        session.join(3000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Log.info("vm-monitor: stopped");
  }

  @Override
  public void close() {
    stop();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (SocketException e) {
      // already closed
    } catch (Exception e) {
      Log.debug("vm-monitor: close: " + e.getMessage());
    }
  }
}
