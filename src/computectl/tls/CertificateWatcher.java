package computectl.tls;

import computectl.util.Log;
import computectl.util.NamedThreads;
import computectl.util.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notices certificate renewals (behaviour.md 12.9): hashes the certificate file (SHA-256) every
 * {@code interval} (60 s upstream; {@code COMPUTE_CTL_TLS_CERT_POLL_SECONDS}) and calls {@code
 * onChange} when the hash differs from the last one; the caller then asks for a reconfiguration
 * (new key copy, reload, pgbouncer and local_proxy TLS). An unreadable file is retried every {@code
 * readRetry} (1 s upstream).
 *
 * <p>Unlike upstream, the first pass does not count as a change: upstream's extra reconfiguration
 * right after the compute first becomes Running is not repeated.
 */
public final class CertificateWatcher implements AutoCloseable {
  public static final Duration DEFAULT_READ_RETRY = Duration.ofSeconds(1);

  private final Path cert;
  private final Duration interval;
  private final Duration readRetry;
  private final Runnable onChange;
  private final StopSignal stop = new StopSignal();
  private final Object lock = new Object();
  private final AtomicLong readings = new AtomicLong();
  private final AtomicLong failedReadings = new AtomicLong();
  private Thread thread;
  private byte[] digest;

  public CertificateWatcher(Path cert, Duration interval, Duration readRetry, Runnable onChange) {
    this.cert = cert;
    this.interval = interval;
    this.readRetry = readRetry;
    this.onChange = onChange;
  }

  /**
   * Blocks until the certificate is readable (the pre-start wait of behaviour.md 5.2 step 3a), then
   * starts watching on a thread of its own.
   *
   * @return false when closed before the certificate could be read
   */
  public boolean start() {
    byte[] first = awaitDigest();
    if (first == null) {
      return false;
    }
    synchronized (lock) {
      if (stop.isStopped()) {
        return false;
      }
      digest = first;
      thread = NamedThreads.start("tls-cert-watcher", this::watch);
    }
    Log.info(
        "watching TLS certificate " + cert + " for changes every " + interval.toSeconds() + " s");
    return true;
  }

  private void watch() {
    while (stop.sleep(interval)) {
      byte[] now = awaitDigest();
      if (now == null) {
        return;
      }
      if (Arrays.equals(now, digest)) {
        // One line per pass, for whoever checks that the watcher is alive (and tests).
        Log.debug("TLS certificate " + cert + " unchanged");
      } else {
        digest = now;
        Log.info("TLS certificate " + cert + " changed");
        try {
          onChange.run();
        } catch (RuntimeException e) {
          Log.error("handling the TLS certificate change failed: " + e);
        }
      }
    }
  }

  /** The certificate's hash, retrying until it can be read; null when closed meanwhile. */
  private byte[] awaitDigest() {
    while (true) {
      try {
        byte[] d = sha256(Files.readAllBytes(cert));
        readings.incrementAndGet();
        return d;
      } catch (IOException e) {
        failedReadings.incrementAndGet();
        Log.error("could not read cert file " + cert + ": " + e);
      }
      if (!stop.sleep(readRetry)) {
        return null;
      }
    }
  }

  /** How often the certificate was read (and hashed) so far: what a "no change" is measured by. */
  long readings() {
    return readings.get();
  }

  /** How often reading the certificate failed so far. */
  long failedReadings() {
    return failedReadings.get();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public void close() {
    stop.stop();
    Thread t;
    synchronized (lock) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
