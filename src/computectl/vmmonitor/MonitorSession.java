package computectl.vmmonitor;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One agent connection, from the version handshake to its end. A reader thread turns frames into
 * events; the session thread handles events strictly one at a time (messages and new memory
 * summaries), as upstream's single select loop does. All decision state (threshold, id counter,
 * memory poller, Postgres connection) lives and dies with the connection.
 */
final class MonitorSession {
  /** Handshake plus initialisation must finish within this (from the upgrade on). */
  static final long INIT_BUDGET_NANOS = 4_000_000_000L;

  private static final int QUEUE_CAPACITY = 64;

  private sealed interface Event permits Received, Ended, Wake {}

  private record Received(WebSocketConnection.Message message) implements Event {}

  private record Ended(String why) implements Event {}

  private record Wake() implements Event {}

  private static final Wake WAKE = new Wake();

  private final int number;
  private final LibpqConnstr connstr;
  private final WebSocketConnection ws;
  private final Consumer<MonitorSession> onExit;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicBoolean summaryPending = new AtomicBoolean();
  private final Thread reader;
  private final Thread worker;
  private final long startedNanos = System.nanoTime();
  private final MessageHandler handler;
  private volatile boolean stopRequested;

  MonitorSession(
      int number,
      WebSocketConnection ws,
      VmMonitorConfig config,
      LibpqConnstr connstr,
      Consumer<MonitorSession> onExit) {
    this.number = number;
    this.ws = ws;
    this.connstr = connstr;
    this.onExit = onExit;
    this.handler = new MessageHandler(number, ws, config);
    this.reader = NamedThreads.daemon(name() + "-reader", this::readFrames);
    this.worker = NamedThreads.daemon(name(), this::work);
  }

  private String name() {
    return "vm-monitor-conn-" + number;
  }

  void start() {
    reader.start();
    worker.start();
  }

  /** Stop at the next message boundary; the socket is then dropped without a close frame. */
  void requestStop() {
    stopRequested = true;
    events.offer(WAKE);
  }

  /**
   * Stop now: close frame 1001, up to a second for the agent's answer, then the socket and the
   * Postgres connection closed under the session's feet.
   */
  void stopNow() {
    ws.sendCloseIfWritable(WebSocketConnection.GOING_AWAY, "vm-monitor is stopping");
    awaitAgentAnswer();
    stopRequested = true;
    ws.abort();
    handler.closeFileCache();
    worker.interrupt();
    events.offer(WAKE);
  }

  void join(long millis) throws InterruptedException {
    worker.join(millis);
    reader.join(millis);
  }

  boolean isAlive() {
    return worker.isAlive() || reader.isAlive();
  }

  SessionSnapshot snapshot() {
    return handler.snapshot();
  }

  private void readFrames() {
    String why;
    try {
      while (true) {
        WebSocketConnection.Message m = ws.read();
        if (m == null) {
          why = "the agent closed the connection";
          break;
        }
        events.put(new Received(m));
      }
    } catch (WebSocketProtocolException e) {
      why = "closed the connection with status " + e.closeCode() + ": " + e.getMessage();
    } catch (IOException e) {
      why = "connection error: " + e.getMessage();
    } catch (InterruptedException e) {
      return;
    }
    try {
      events.put(new Ended(why));
    } catch (InterruptedException e) {
      // the session is already over
    }
  }

  private void work() {
    long deadline = startedNanos + INIT_BUDGET_NANOS;
    try {
      if (negotiate(deadline)) {
        handler.initialise(connstr, deadline, this::summaryArrived, name() + "-cgroup");
        loop();
      }
    } catch (VmMonitorException e) {
      if (stopRequested) {
        Log.info(
            "vm-monitor: connection "
                + number
                + " stopped during initialisation: "
                + e.getMessage());
      } else {
        Log.error("vm-monitor: connection " + number + " failed: " + ComputeCtlException.chain(e));
        closeWith(WebSocketConnection.INTERNAL_ERROR, "vm-monitor: " + e.getMessage());
      }
    } catch (IOException e) {
      Log.warn(
          "vm-monitor: connection " + number + ": cannot send to the agent: " + e.getMessage());
    } catch (InterruptedException e) {
      Log.debug("vm-monitor: connection " + number + " interrupted");
    } catch (RuntimeException e) {
      Log.error("vm-monitor: connection " + number + ": bug: " + e);
      closeWith(WebSocketConnection.INTERNAL_ERROR, "vm-monitor internal error");
    } finally {
      handler.close();
      ws.abort();
      reader.interrupt();
      onExit.accept(this);
      Log.info("vm-monitor: connection " + number + " closed");
    }
  }

  /** Waits for the agent's version range and answers it; false if the connection must end. */
  private boolean negotiate(long deadline) throws IOException, InterruptedException {
    while (true) {
      Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (stopRequested) {
        return false;
      }
      if (e == null) {
        Log.warn(
            "vm-monitor: connection "
                + number
                + ": no protocol version range from the agent within 4 s");
        closeWith(
            WebSocketConnection.POLICY_VIOLATION,
            "timed out waiting for the protocol version range");
        return false;
      }
      if (e instanceof Ended ended) {
        Log.info(
            "vm-monitor: connection " + number + " ended before the handshake: " + ended.why());
        return false;
      }
      if (e instanceof Received received) {
        return answerVersion(received.message());
      }
    }
  }

  private boolean answerVersion(WebSocketConnection.Message m) throws IOException {
    VersionRange range;
    try {
      if (!m.text()) {
        throw new VmMonitorException(
            "expected the protocol version range as a text message, got a binary message");
      }
      range = VersionRange.parse(m.payload());
    } catch (VmMonitorException ex) {
      refuseHandshake(ex.getMessage());
      return false;
    }
    OptionalInt shared = range.highestShared(VersionRange.MONITOR);
    if (shared.isEmpty()) {
      refuseHandshake(range.mismatchMessage());
      return false;
    }
    ws.sendText(MonitorMessages.version(shared.getAsInt()));
    Log.info(
        "vm-monitor: connection "
            + number
            + ": agent offered "
            + range
            + ", speaking "
            + VersionRange.versionName(shared.getAsInt()));
    return true;
  }

  /** Upstream drops (or crashes on) a bad handshake silently; we say why, then close. */
  private void refuseHandshake(String error) {
    Log.warn("vm-monitor: connection " + number + ": refusing the handshake: " + error);
    try {
      ws.sendText(MonitorMessages.versionError(error));
    } catch (IOException e) {
      Log.debug(
          "vm-monitor: connection "
              + number
              + ": agent gone before the handshake answer: "
              + e.getMessage());
    }
    closeWith(WebSocketConnection.PROTOCOL_ERROR, "protocol version negotiation failed");
  }

  private void loop() throws IOException, InterruptedException {
    while (!stopRequested) {
      Event e = events.take();
      if (stopRequested) {
        break;
      }
      if (e instanceof Ended ended) {
        Log.info("vm-monitor: connection " + number + " ended: " + ended.why());
        return;
      }
      if (e instanceof Received received) {
        handler.handle(received.message());
      }
      if (summaryPending.getAndSet(false)) {
        handler.checkUpscale();
      }
    }
    Log.info("vm-monitor: connection " + number + " stopped: replaced by a newer agent connection");
  }

  /** Runs on the poller thread: wakes the session, at most one pending wake-up at a time. */
  private void summaryArrived() {
    if (!summaryPending.getAndSet(true)) {
      events.offer(WAKE);
    }
  }

  /** Close frame, then up to a second for the agent's answer; the caller closes the socket. */
  private void closeWith(int code, String reason) {
    ws.sendClose(code, reason);
    awaitAgentAnswer();
  }

  /**
   * Gives the reader up to a second to see the agent answer our close frame (its own close frame,
   * or hanging up). The socket stays open meanwhile: a client may take the end of the stream that
   * follows a close frame too closely for an abnormal closure (the JDK's WebSocket client reports
   * 1006 then), so, as RFC 6455 7.1.1 says, the server ends TCP only after the closing handshake.
   */
  private void awaitAgentAnswer() {
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
