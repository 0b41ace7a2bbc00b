package computectl.util;

import java.io.PrintStream;
import java.time.Instant;

/**
 * compute_ctl's log: one line per event on stderr, {@code <RFC 3339 time> <LEVEL> <thread>: <msg>}.
 * Never give it a password or token: callers log names and sizes, not secrets.
 */
public final class Log {
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static volatile Level threshold = parse(System.getenv("COMPUTE_CTL_LOG"));
  private static volatile PrintStream out = System.err;

  private Log() {}

  private static Level parse(String s) {
    if (s == null) {
      return Level.INFO;
    }
    try {
      return Level.valueOf(s.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }

  public static void debug(String msg) {
    log(Level.DEBUG, msg);
  }

  public static void info(String msg) {
    log(Level.INFO, msg);
  }

  public static void warn(String msg) {
    log(Level.WARN, msg);
  }

  public static void error(String msg) {
    log(Level.ERROR, msg);
  }

  public static void log(Level level, String msg) {
    if (level.ordinal() < threshold.ordinal()) {
      return;
    }
    String line = Instant.now() + " " + String.format("%5s", level) + " " + Thread.currentThread().getName() + ": " + msg;
    PrintStream p = out;
    synchronized (p) {
      p.println(line);
    }
  }

  /** Writes a raw line (Postgres log forwarding) without our prefix. */
  public static void raw(String line) {
    PrintStream p = out;
    synchronized (p) {
      p.print(line);
      p.flush();
    }
  }
}
