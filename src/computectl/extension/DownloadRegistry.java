package computectl.extension;

import computectl.util.Log;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * De-duplicates downloads per archive name (behaviour.md 12.2): once an archive was installed,
 * later requests return at once; a request arriving while another download of the same archive
 * started less than {@link #HANG_TIMEOUT_MILLIS} ago waits for it (checking at least every {@link
 * #POLL_MILLIS}); otherwise it downloads again.
 *
 * <p>Unlike upstream, a waiter whose download fails stops waiting and tries itself (upstream polls
 * forever for a completion that never comes), and every new attempt restarts the clock.
 */
final class DownloadRegistry {
  static final long HANG_TIMEOUT_MILLIS = 3000;
  static final long POLL_MILLIS = 500;

  /**
   * One archive's history: whether it is installed, how many downloads run, when the last began.
   */
  private static final class Progress {
    boolean completed;
    int inFlight;
    long lastStartMillis;
  }

  /** A download of one archive, returning its size in bytes. */
  @FunctionalInterface
  interface Download {
    long run();
  }

  private final Map<String, Progress> archives = new HashMap<>();
  private final LongSupplier clockMillis;

  DownloadRegistry(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /**
   * Runs {@code download} unless it is done or under way; returns the bytes downloaded here (0 if
   * none).
   */
  long download(String archive, Download download) {
    if (!claim(archive)) {
      return 0;
    }
    boolean ok = false;
    try {
      long size = download.run();
      ok = true;
      return size;
    } finally {
      finish(archive, ok);
    }
  }

  /** True when the caller must download; false when the archive is installed. */
  private synchronized boolean claim(String archive) {
    Progress p = archives.computeIfAbsent(archive, k -> new Progress());
    while (true) {
      if (p.completed) {
        Log.info("extension " + archive + " already downloaded, skipping re-download");
        return false;
      }
      long age = clockMillis.getAsLong() - p.lastStartMillis;
      if (p.inFlight == 0 || age >= HANG_TIMEOUT_MILLIS) {
        p.inFlight++;
        p.lastStartMillis = clockMillis.getAsLong();
        Log.info("downloading new extension " + archive);
        return true;
      }
      Log.info("download " + archive + " already started by another request, waiting for it");
      awaitQuiet(p);
    }
  }

  /** Waits until no download of {@code p} runs or one completed. */
  private void awaitQuiet(Progress p) {
    while (p.inFlight > 0 && !p.completed) {
      try {
        wait(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExtensionException(
            "interrupted while waiting for another download of the same extension", e);
      }
    }
  }

  private synchronized void finish(String archive, boolean ok) {
    Progress p = archives.get(archive);
    p.inFlight--;
    p.completed |= ok;
    notifyAll();
  }
}
