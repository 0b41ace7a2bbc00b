package computectl.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CertificateWatcher_Test {
  private static final Duration FAST = Duration.ofMillis(40);

  private static void awaitCount(AtomicInteger n, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Await.DEFAULT_LIMIT.toNanos();
    while (n.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, n.get());
  }

  /** Waits until the watcher has read the certificate {@code more} times from now on. */
  private static void awaitReadings(CertificateWatcher w, int more) throws InterruptedException {
    long target = w.readings() + more;
    Await.until(more + " more readings", () -> w.readings() >= target);
  }

  @Test
  void watch_changedCertificate_callsBackOncePerChange() throws Exception {
    Path cert = Files.createTempDirectory("computectl-cert-").resolve("tls.crt");
    Files.writeString(cert, "first certificate");
    AtomicInteger changes = new AtomicInteger();
    try (CertificateWatcher w =
        new CertificateWatcher(cert, FAST, FAST, changes::incrementAndGet)) {
      assertTrue(w.start());
      awaitReadings(w, 2);
      assertEquals(0, changes.get(), "the first reading is not a change");

      Files.writeString(cert, "renewed certificate");
      awaitCount(changes, 1);
      awaitReadings(w, 2);
      assertEquals(1, changes.get(), "an unchanged file does not call again");

      Files.writeString(cert, "renewed again");
      awaitCount(changes, 2);
    }
  }

  @Test
  void watch_fileBrieflyMissing_isNoChange() throws Exception {
    Path cert = Files.createTempDirectory("computectl-cert-").resolve("tls.crt");
    Files.writeString(cert, "same");
    AtomicInteger changes = new AtomicInteger();
    try (CertificateWatcher w =
        new CertificateWatcher(cert, FAST, FAST, changes::incrementAndGet)) {
      assertTrue(w.start());
      Files.delete(cert);
      Await.until("a failed reading", () -> w.failedReadings() > 0);
      Files.writeString(cert, "same");
      awaitReadings(w, 2);

      assertEquals(0, changes.get());
    }
  }

  @Test
  void start_waitsUntilTheCertificateIsReadable() throws Exception {
    Path cert = Files.createTempDirectory("computectl-cert-").resolve("tls.crt");
    try (CertificateWatcher w = new CertificateWatcher(cert, FAST, FAST, () -> {})) {
      CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(w::start);
      Await.until("two failed readings", () -> w.failedReadings() >= 2);
      assertFalse(started.isDone(), "start blocks while the certificate is missing");

      Files.writeString(cert, "arrived");

      assertTrue(started.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void close_whileWaitingForTheCertificate_endsTheWait() throws Exception {
    Path cert = Files.createTempDirectory("computectl-cert-").resolve("never.crt");
    CertificateWatcher w = new CertificateWatcher(cert, FAST, FAST, () -> {});
    CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(w::start);
    Await.until("a failed reading", () -> w.failedReadings() > 0);

    w.close();

    assertFalse(started.get(5, TimeUnit.SECONDS));
  }
}
