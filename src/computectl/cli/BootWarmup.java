package computectl.cli;

import computectl.util.NamedThreads;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * Work the first HTTP answer would otherwise do on the request's thread, done beforehand on a
 * short-lived daemon thread while main reads the spec and starts the servers: the {@code Date}
 * header of an answer (day and month names load locale data; the pattern the JDK server used, with
 * a zone name, loads a little more) and the SecureRandom behind request ids. {@code make bench}
 * (boot) measures it; nothing depends on it having run, and the thread ends on its own within
 * milliseconds, so nothing needs to stop it.
 */
final class BootWarmup {
  private BootWarmup() {}

  static void start() {
    NamedThreads.start("boot-warmup", BootWarmup::run);
  }

  private static void run() {
    String unusedDate =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US)
            .withZone(ZoneId.of("GMT"))
            .format(Instant.now());
    UUID unusedId = UUID.randomUUID();
  }
}
