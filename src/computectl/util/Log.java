package computectl.util;

import com.eclipsesource.json.JsonObject;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * compute_ctl's log: one line per event on stderr, {@code <RFC 3339 time> <LEVEL> <spans>: <msg>}
 * as upstream's {@code tracing} lines (the thread's {@link LogSpan}s with their fields, outermost
 * first; {@code <RFC 3339 time> <LEVEL> <msg>} outside any span), or with {@link Format#JSON} one
 * JSON object per line for log shippers. Never give it a password or token: callers log names and
 * sizes, not secrets.
 */
public final class Log {
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /**
   * TEXT is upstream's style; JSON has the keys timestamp, level, thread and message on every line.
   */
  public enum Format {
    TEXT,
    JSON
  }

  private static volatile Level threshold = parse(Setting.LOG.value(System.getenv()));
  private static volatile PrintStream out = System.err;
  private static volatile Format format = Format.TEXT;

  private Log() {}

  private static Level parse(String s) {
    if (s == null) {
      return Level.INFO;
    }
    try {
      return Level.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }

  /**
   * Chosen once at startup ({@code --log-format}); applies to every later line, forwarded ones
   * included.
   */
  public static void setFormat(Format f) {
    format = f;
  }

  public static Format format() {
    return format;
  }

  /** Where lines go (stderr unless a test captures them); returns the previous stream. */
  public static PrintStream setOutput(PrintStream stream) {
    PrintStream previous = out;
    out = stream;
    return previous;
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

  /**
   * Mutes (or unmutes) every line logged by the calling thread: for work whose lines would read
   * like the real thing, such as the start path's warm-up.
   */
  public static void muteThisThread(boolean mute) {
    MUTED.set(mute);
  }

  private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

  /** The level right-aligned in five columns, as upstream writes it (no String.format: slow). */
  private static String padded(Level level) {
    return switch (level) {
      case DEBUG -> "DEBUG";
      case INFO -> " INFO";
      case WARN -> " WARN";
      case ERROR -> "ERROR";
    };
  }

  public static void log(Level level, String msg) {
    if (level.compareTo(threshold) < 0 || MUTED.get()) {
      return;
    }
    String thread = Thread.currentThread().getName();
    String spans = LogSpan.scopeOfCurrent();
    String line =
        format == Format.JSON
            ? json(Instant.now(), level, thread, spans, msg)
            : UtcTime.iso(Instant.now())
                + " "
                + padded(level)
                + " "
                + (spans.isEmpty() ? "" : spans + ": ")
                + msg;
    PrintStream p = out;
    synchronized (p) {
      p.println(line);
    }
  }

  /**
   * Writes a raw line (Postgres log forwarding) without our prefix; in JSON format it becomes an
   * INFO object of its own, so that a shipper never meets a line that is not JSON.
   */
  public static void raw(String line) {
    PrintStream p = out;
    if (format == Format.JSON) {
      String msg = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      String json = json(Instant.now(), Level.INFO, Thread.currentThread().getName(), "", msg);
      synchronized (p) {
        p.println(json);
      }
      return;
    }
    synchronized (p) {
      p.print(line);
      p.flush();
    }
  }

  /** Every line has the same keys; {@code spans} (the text form's span scope) may be empty. */
  static String json(Instant time, Level level, String thread, String spans, String msg) {
    return new JsonObject()
        .add("timestamp", UtcTime.iso(time))
        .add("level", level.name())
        .add("thread", thread)
        .add("spans", spans)
        .add("message", msg)
        .toString();
  }
}
