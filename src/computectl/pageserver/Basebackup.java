package computectl.pageserver;

import computectl.metrics.StartupMetrics;
import computectl.pgwire.ConnInfo;
import computectl.pgwire.CopyOutStream;
import computectl.pgwire.WireClient;
import computectl.spec.ComputeMode;
import computectl.spec.Lsn;
import computectl.spec.ParsedSpec;
import computectl.tar.ExtractStats;
import computectl.tar.TarExtractor;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.Setting;
import computectl.util.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Fetches the basebackup from the pageserver (behaviour.md 5.6): connect to shard 0 with the
 * storage token as password, ask {@code basebackup <tenant> <timeline> [<lsn>] --gzip [--replica]},
 * and gunzip and untar the COPY stream straight into PGDATA, retrying with backoff. Unlike
 * upstream, every read has a deadline, so a stalled pageserver turns into a retry instead of a
 * hang.
 */
public final class Basebackup {
  /** Retries after the first attempt (11 attempts in total). */
  public static final int RETRIES = 10;

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_READ_TIMEOUT =
      Setting.BASEBACKUP_READ_TIMEOUT_SECONDS.defaultSeconds();
  private static final int GZIP_BUFFER = 256 << 10;

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int retries;
  private final Duration attemptDeadline;

  public Basebackup() {
    this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, RETRIES);
  }

  /**
   * {@code connectTimeout} applies unless the connection string has {@code connect_timeout}; {@code
   * readTimeout} bounds every single read from the pageserver.
   */
  public Basebackup(Duration connectTimeout, Duration readTimeout, int retries) {
    this(connectTimeout, readTimeout, retries, null);
  }

  private Basebackup(
      Duration connectTimeout, Duration readTimeout, int retries, Duration attemptDeadline) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.retries = retries;
    this.attemptDeadline = attemptDeadline;
  }

  /**
   * A copy whose every attempt must be over within {@code deadline} from its start: a pageserver
   * that keeps sending (an endless stream, or a byte now and then, each read within the read
   * timeout) fails the attempt instead of holding the start forever. Null: no limit, as upstream.
   */
  public Basebackup withAttemptDeadline(Duration deadline) {
    return new Basebackup(connectTimeout, readTimeout, retries, deadline);
  }

  /**
   * The query upstream sends: LSN 0 means "latest" and is left out; every non-Primary mode adds
   * --replica, whatever the LSN (a Primary whose safekeepers report LSN 0 gets none).
   */
  public static String query(String tenant, String timeline, Lsn lsn, ComputeMode mode) {
    String at = lsn.value() == 0 ? "" : " " + lsn;
    return "basebackup "
        + tenant
        + " "
        + timeline
        + at
        + " --gzip"
        + (mode.isPrimary() ? "" : " --replica");
  }

  /**
   * Sleep before retry {@code k} (1-based): 500 ms * 1.5^(k-1), truncated to whole milliseconds.
   */
  public static Duration backoff(int k) {
    return Duration.ofMillis((long) (500 * Math.pow(1.5, k - 1)));
  }

  static String retryMessage(Throwable error, int attempt, int retries) {
    return "Failed to get basebackup: "
        + ComputeCtlException.chain(error)
        + " (attempt "
        + attempt
        + "/"
        + retries
        + ")";
  }

  /** Shard 0: the first entry of the comma-separated list. */
  static String firstShard(String pageserverConnstr) {
    if (pageserverConnstr == null || pageserverConnstr.isEmpty()) {
      throw new ComputeCtlException("pageserver connstr should be provided");
    }
    return pageserverConnstr.split(",", -1)[0];
  }

  /**
   * Fetches and unpacks into {@code pgdata} (existing files are overwritten; PGDATA is not cleaned
   * between attempts).
   */
  public BasebackupResult fetch(
      ParsedSpec spec,
      Lsn lsn,
      ComputeMode mode,
      Path pgdata,
      StartupMetrics metrics,
      Sleeper sleeper) {
    String connstr = firstShard(spec.pageserverConnstr());
    String query = query(spec.tenantId(), spec.timelineId(), lsn, mode);
    String token = spec.spec() == null ? null : spec.spec().storageAuthToken();
    Exception last = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        pause(sleeper, backoff(attempt));
      }
      try {
        return attempt(connstr, token, query, mode, pgdata, metrics, attempt + 1);
      } catch (RuntimeException | IOException e) {
        last = e;
        if (attempt < retries) {
          Log.warn(retryMessage(e, attempt, retries));
        }
      }
    }
    throw new ComputeCtlException(
        "failed to get basebackup@"
            + lsn
            + " from pageserver "
            + ConnInfo.redact(connstr)
            + ": "
            + ComputeCtlException.chain(last),
        last);
  }

  private static void pause(Sleeper sleeper, Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while waiting to retry the basebackup");
    }
  }

  private BasebackupResult attempt(
      String connstr,
      String token,
      String query,
      ComputeMode mode,
      Path pgdata,
      StartupMetrics metrics,
      int attemptNumber)
      throws IOException {
    long start = System.nanoTime();
    Log.info(
        token != null ? "Got storage auth token from spec file" : "Storage auth token not set");
    ConnInfo info = ConnInfo.parse(connstr);
    Map<String, String> startup = new LinkedHashMap<>();
    startup.put("application_name", "compute_ctl");
    startup.put("options", "-c neon.compute_mode=" + mode.type());
    try (WireClient client =
        WireClient.connect(info, token, startup, connectTimeout(info), readTimeout)) {
      if (attemptDeadline != null) {
        client.setDeadlineNanos(start + attemptDeadline.toNanos());
      }
      long connectedMicros = (System.nanoTime() - start) / 1_000;
      CopyOutStream copy = client.copyOut(query);
      ExtractStats stats = unpack(copy, pgdata);
      long ms = (System.nanoTime() - start) / 1_000_000;
      metrics.set(StartupMetrics.Field.PAGESERVER_CONNECT_MICROS, connectedMicros);
      metrics.set(StartupMetrics.Field.BASEBACKUP_BYTES, copy.bytesRead());
      metrics.set(StartupMetrics.Field.BASEBACKUP_MS, ms);
      Log.info(
          "basebackup unpacked: "
              + copy.bytesRead()
              + " compressed bytes, "
              + stats.entries()
              + " entries, "
              + stats.bytes()
              + " bytes in "
              + ms
              + " ms");
      return new BasebackupResult(copy.bytesRead(), stats.entries(), stats.bytes(), attemptNumber);
    }
  }

  private Duration connectTimeout(ConnInfo info) {
    String s = info.param("connect_timeout");
    if (s != null && s.matches("\\d{1,9}") && Integer.parseInt(s) > 0) {
      return Duration.ofSeconds(Math.max(2, Integer.parseInt(s)));
    }
    return connectTimeout;
  }

  /**
   * Gunzips and untars, then reads the COPY stream to its end so that an error the pageserver sends
   * after the archive still fails the attempt. When the wire failed, that failure is the cause
   * reported, not whatever the decoder or tar reader made of the cut-off data.
   */
  private static ExtractStats unpack(CopyOutStream copy, Path pgdata) throws IOException {
    try {
      InputStream gz = new GZIPInputStream(copy, GZIP_BUFFER);
      ExtractStats stats = TarExtractor.extract(gz, pgdata);
      drain(gz);
      drain(copy);
      return stats;
    } catch (IOException | RuntimeException e) {
      if (copy.failure() != null && copy.failure() != e) {
        throw copy.failure();
      }
      if (e instanceof IOException) {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        throw new ComputeCtlException("error decompressing the basebackup stream: " + why, e);
      }
      throw e;
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 << 10];
    while (in.read(buf) >= 0) {
      // the content after the archive is of no use; reaching the end is the point
    }
  }
}
