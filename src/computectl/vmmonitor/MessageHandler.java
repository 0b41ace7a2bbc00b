package computectl.vmmonitor;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decisions of one agent connection: initialisation (MemTotal, file cache, cgroup poller,
 * threshold), the reply to each agent message, and upscale requests under memory pressure. Called
 * from the session thread only; fields read by {@link #snapshot} are volatile.
 */
final class MessageHandler {
  private final int connection;
  private final WebSocketConnection ws;
  private final VmMonitorConfig config;
  private volatile boolean ready;
  private volatile long threshold;
  private volatile long fileCacheBytes = -1;
  private volatile String cgroupProblem;
  private volatile CgroupWatcher watcher;
  private volatile FileCache fileCache;
  private long connectedAtNanos;
  private long lastMonitorId = 1;
  private boolean upscaleRequested;
  private long lastUpscaleRequestNanos;

  /** Upscale checks finished (whatever they decided), so that "no request" can be observed. */
  private final AtomicLong upscaleChecks = new AtomicLong();

  MessageHandler(int connection, WebSocketConnection ws, VmMonitorConfig config) {
    this.connection = connection;
    this.ws = ws;
    this.config = config;
  }

  /**
   * Upstream's per-connection set-up, in its order: MemTotal, then the file cache sized for it,
   * then the cgroup poller and the threshold. A cgroup that cannot be watched does not end the
   * connection (upstream drops it): upscale requests are off and downscales are denied.
   */
  void initialise(LibpqConnstr connstr, long deadlineNanos, Runnable onSummary, String pollerName) {
    long memTotal = config.totalMemoryBytes().getAsLong();
    log("MemTotal is " + ScalingRules.mib(memTotal) + " MiB");
    if (connstr != null) {
      FileCache fc = new FileCache(connstr);
      fileCache = fc;
      long sqlDeadline = Math.min(deadlineNanos, System.nanoTime() + FileCache.SQL_BUDGET_NANOS);
      long current = fc.currentLimitBytes(sqlDeadline);
      long set = fc.setSizeBytes(ScalingRules.fileCacheSize(memTotal), sqlDeadline);
      fileCacheBytes = set;
      log(
          "file cache limit was "
              + current
              + " bytes; set it to "
              + ScalingRules.mib(set)
              + " MiB ("
              + connstr
              + ")");
    }
    threshold = ScalingRules.threshold(memTotal);
    connectedAtNanos = config.nanoClock().getAsLong();
    if (config.cgroup() != null) {
      try {
        watcher = CgroupWatcher.start(config, pollerName, onSummary);
        log(
            "watching cgroup "
                + config.cgroup()
                + "; upscale threshold "
                + ScalingRules.mib(threshold)
                + " MiB");
      } catch (VmMonitorException e) {
        cgroupProblem = e.getMessage();
        Log.error(
            "vm-monitor: connection "
                + connection
                + ": cannot watch cgroup memory: "
                + e.getMessage()
                + "; no upscale requests and every downscale is denied on this connection");
      }
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new VmMonitorException("initialising the connection took longer than 4 s");
    }
    ready = true;
  }

  void handle(WebSocketConnection.Message m) throws IOException {
    if (!m.text()) {
      log("ignoring a binary message of " + m.length() + " bytes");
      return;
    }
    AgentMessage msg;
    try {
      msg = AgentMessage.parse(m.payload());
    } catch (InvalidAgentMessageException e) {
      Log.warn(
          "vm-monitor: connection "
              + connection
              + ": invalid message from the agent: "
              + e.getMessage());
      ws.sendText(MonitorMessages.invalidMessage(e.getMessage(), e.id()));
      return;
    }
    if (msg instanceof AgentMessage.HealthCheck) {
      ws.sendText(MonitorMessages.healthCheck(msg.id()));
    } else if (msg instanceof AgentMessage.UpscaleNotification upscaleNotification) {
      ws.sendText(upscaled(upscaleNotification.granted(), msg.id()));
    } else if (msg instanceof AgentMessage.DownscaleRequest downscaleRequest) {
      ws.sendText(downscale(downscaleRequest.target(), msg.id()));
    } else if (msg instanceof AgentMessage.InvalidMessage invalidMessage) {
      Log.warn(
          "vm-monitor: connection "
              + connection
              + ": the agent found our message "
              + msg.id()
              + " invalid: "
              + invalidMessage.error());
    } else if (msg instanceof AgentMessage.InternalErrorMessage internalError) {
      Log.warn(
          "vm-monitor: connection "
              + connection
              + ": the agent failed on our message "
              + msg.id()
              + ": "
              + internalError.error());
    }
  }

  /** Applies an upscale the agent already made: file cache first, then the threshold. */
  private String upscaled(Allocation granted, long id) {
    log("upscale notification: " + granted);
    long usable = ScalingRules.usable(granted.memBytes());
    FileCache fc = fileCache;
    if (fc != null) {
      long wanted = ScalingRules.fileCacheSize(usable);
      try {
        long set = fc.setSizeBytes(wanted, sqlDeadline());
        fileCacheBytes = set;
        if (set != wanted) {
          Log.warn(
              "vm-monitor: file cache size capped by neon.max_file_cache_size: wanted "
                  + ScalingRules.mib(wanted)
                  + " MiB, set "
                  + ScalingRules.mib(set)
                  + " MiB");
        }
      } catch (VmMonitorException e) {
        Log.error("vm-monitor: failed to handle upscale: " + ComputeCtlException.chain(e));
        return MonitorMessages.internalError("failed to handle upscale", id);
      }
    }
    if (config.cgroup() != null) {
      threshold = ScalingRules.threshold(usable);
    }
    return MonitorMessages.upscaleConfirmation(id);
  }

  /** Decides a downscale to {@code target}; approval applies file cache, then threshold. */
  private String downscale(Allocation target, long id) {
    FileCache fc = fileCache;
    if (fc == null && config.cgroup() == null) {
      return MonitorMessages.downscaleResult(
          true, "monitor is not managing cgroup or file cache", id);
    }
    long usable = ScalingRules.usable(target.memBytes());
    long newThreshold = ScalingRules.threshold(usable);
    List<String> done = new ArrayList<>();
    try {
      String denial = config.cgroup() == null ? null : memoryDenial(newThreshold);
      if (denial != null) {
        log("denying downscale to " + target + ": " + denial);
        return MonitorMessages.downscaleResult(false, denial, id);
      }
      if (fc != null) {
        long set = fc.setSizeBytes(ScalingRules.fileCacheSize(usable), sqlDeadline());
        fileCacheBytes = set;
        done.add("set file cache size to " + ScalingRules.mib(set) + " MiB");
      }
    } catch (VmMonitorException e) {
      Log.error("vm-monitor: failed to downscale: " + ComputeCtlException.chain(e));
      return MonitorMessages.internalError("failed to downscale", id);
    }
    if (config.cgroup() != null) {
      done.add(ScalingRules.thresholdChange(threshold, newThreshold, usable));
      threshold = newThreshold;
    }
    String status = String.join("; ", done);
    log("approving downscale to " + target + ": " + status);
    return MonitorMessages.downscaleResult(true, status, id);
  }

  /** Why current memory use forbids {@code newThreshold}, null if it allows it; throws if stale. */
  private String memoryDenial(long newThreshold) {
    CgroupWatcher w = watcher;
    if (w == null) {
      return "cgroup memory stats unavailable: " + cgroupProblem;
    }
    MemorySummary s = w.latest();
    long age = config.nanoClock().getAsLong() - (s == null ? connectedAtNanos : s.takenAtNanos());
    if (age > ScalingRules.MAX_SAMPLE_AGE_NANOS) {
      throw new VmMonitorException(
          "cgroup memory stats are stale: the newest is "
              + age / 1_000_000
              + " ms old (limit 5000 ms)");
    }
    if (s == null || s.samples() < ScalingRules.MIN_SAMPLES_FOR_DOWNSCALE) {
      return "haven't received enough cgroup memory stats yet";
    }
    return ScalingRules.downscaleDenial(newThreshold, s.meanBytes());
  }

  /** On each new memory summary: ask for more memory if over threshold, at most once a second. */
  void checkUpscale() throws IOException {
    try {
      requestUpscaleIfNeeded();
    } finally {
      upscaleChecks.incrementAndGet();
    }
  }

  private void requestUpscaleIfNeeded() throws IOException {
    CgroupWatcher w = watcher;
    MemorySummary s = w == null ? null : w.latest();
    if (s == null || s.meanBytes() < threshold) {
      return;
    }
    long now = config.nanoClock().getAsLong();
    if (upscaleRequested
        && now - lastUpscaleRequestNanos < ScalingRules.UPSCALE_REQUEST_INTERVAL_NANOS) {
      return;
    }
    upscaleRequested = true;
    lastUpscaleRequestNanos = now;
    lastMonitorId += 2;
    log(
        "requesting upscale (id "
            + lastMonitorId
            + "): mean usage "
            + ScalingRules.mib(s.meanBytes())
            + " MiB >= threshold "
            + ScalingRules.mib(threshold)
            + " MiB");
    ws.sendText(MonitorMessages.upscaleRequest(lastMonitorId));
  }

  private static long sqlDeadline() {
    return System.nanoTime() + FileCache.SQL_BUDGET_NANOS;
  }

  SessionSnapshot snapshot() {
    CgroupWatcher w = watcher;
    MemorySummary s = w == null ? null : w.latest();
    return new SessionSnapshot(
        connection,
        ready,
        threshold,
        s == null ? 0 : s.samples(),
        w == null ? 0 : w.failedReads(),
        upscaleChecks.get(),
        s == null ? 0 : s.meanBytes(),
        fileCacheBytes,
        cgroupProblem);
  }

  /** Closes the Postgres connection from any thread; a running statement then fails. */
  void closeFileCache() {
    FileCache fc = fileCache;
    if (fc != null) {
      fc.close();
    }
  }

  void close() {
    CgroupWatcher w = watcher;
    if (w != null) {
      w.stop();
    }
    closeFileCache();
  }

  private void log(String msg) {
    Log.info("vm-monitor: connection " + connection + ": " + msg);
  }
}
