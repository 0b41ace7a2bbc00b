package computectl.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A named stretch of work with fields, in the manner of upstream's {@code tracing} spans: while a
 * span is entered on a thread, every log line of that thread names it with its ancestors ({@code
 * start_compute:get_basebackup{lsn=0/169AD58}: message}), and a {@link SpanObserver} (the trace
 * exporter, when one is configured) sees it start and end.
 *
 * <p>Each thread has a current span; {@link #enter} makes a child of it current until {@link
 * #close} (try-with-resources, or {@link #run}/{@link #call} around a lambda). Work handed to
 * another thread names its parent with {@link #enterChildOf}. A span's trace parent is its log
 * parent unless given otherwise ({@link #enterTracedFrom}): a {@code /configure} request parents
 * the reconfiguration that the configurator thread logs under its own span, as a {@code
 * TRACEPARENT} parents the start.
 */
public final class LogSpan implements AutoCloseable {
  /** A field as upstream logs it: text values quoted (as a Rust {@code &str}), others bare. */
  public record Field(String name, Object value, boolean quoted) {
    /** A text value, logged in quotes ({@code url.path="/status"}). */
    public static Field text(String name, String value) {
      return new Field(name, value, true);
    }

    /** A value logged as it prints ({@code lsn=0/169AD58}, {@code code=200}). */
    public static Field bare(String name, Object value) {
      return new Field(name, value, false);
    }

    @Override
    public String toString() {
      String v = String.valueOf(value);
      return name
          + "="
          + (quoted ? "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : v);
    }
  }

  /**
   * A trace context received from outside the process (W3C {@code traceparent}/{@code tracestate}).
   */
  public record RemoteParent(String traceparent, String tracestate) {}

  private static final ThreadLocal<LogSpan> CURRENT = new ThreadLocal<>();
  private static volatile SpanObserver observer = SpanObserver.NONE;

  private final String name;
  private final LogSpan parent;
  private final Object traceParent;
  private final List<Field> fields;
  private final LogSpan previous;
  private final long startNanos = System.nanoTime();
  private final long startEpochNanos = SpanObserver.epochNanos();
  private volatile Object attachment;
  private volatile boolean closed;

  private LogSpan(String name, LogSpan parent, Object traceParent, Field[] fields) {
    this.name = name;
    this.parent = parent;
    this.traceParent = traceParent;
    this.fields = new ArrayList<>(List.of(fields));
    this.previous = CURRENT.get();
  }

  /** Where finished spans go (the trace exporter); {@link SpanObserver#NONE} by default. */
  public static void setObserver(SpanObserver o) {
    observer = o;
  }

  /** A child of this thread's current span, current until closed. */
  public static LogSpan enter(String name, Field... fields) {
    return start(new LogSpan(name, CURRENT.get(), null, fields));
  }

  /** A child of {@code parent} (entered on another thread, or null for none), current here. */
  public static LogSpan enterChildOf(LogSpan parent, String name, Field... fields) {
    return start(new LogSpan(name, parent, null, fields));
  }

  /**
   * A child of this thread's current span in the log whose trace parent is {@code traceParent}: a
   * span of this process or a {@link RemoteParent}; null falls back to the log parent.
   */
  public static LogSpan enterTracedFrom(Object traceParent, String name, Field... fields) {
    return start(new LogSpan(name, CURRENT.get(), traceParent, fields));
  }

  private static LogSpan start(LogSpan s) {
    CURRENT.set(s);
    observer.started(s);
    return s;
  }

  /** This thread's current span, or null. */
  public static LogSpan current() {
    return CURRENT.get();
  }

  /**
   * The W3C {@code traceparent} of this thread's current span for an outgoing request, or null when
   * nothing is traced.
   */
  public static String currentTraceparent() {
    LogSpan s = CURRENT.get();
    return s == null ? null : observer.traceparent(s);
  }

  /** Work that runs in a span and gives a value. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T get() throws E;
  }

  /** Work that runs in a span. */
  @FunctionalInterface
  public interface Action<E extends Exception> {
    void run() throws E;
  }

  /** Runs {@code work} in this span, then closes it. */
  public <T, E extends Exception> T call(Work<T, E> work) throws E {
    try {
      return work.get();
    } finally {
      close();
    }
  }

  /** Runs {@code action} in this span, then closes it. */
  public <E extends Exception> void run(Action<E> action) throws E {
    try {
      action.run();
    } finally {
      close();
    }
  }

  /** Adds (or replaces) a field, shown on later lines and exported with the span. */
  public void record(Field f) {
    synchronized (fields) {
      fields.removeIf(x -> x.name().equals(f.name()));
      fields.add(f);
    }
  }

  public String name() {
    return name;
  }

  public LogSpan parent() {
    return parent;
  }

  /** A {@link LogSpan} or a {@link RemoteParent}: the parent in the trace. */
  public Object traceParent() {
    return traceParent != null ? traceParent : parent;
  }

  public List<Field> fields() {
    synchronized (fields) {
      return List.copyOf(fields);
    }
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  /** How long the span has lasted so far, in nanoseconds of a monotonic clock. */
  public long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  /** The observer's own data for this span (its trace and span ids). */
  public Object attachment() {
    return attachment;
  }

  public void attach(Object data) {
    attachment = data;
  }

  /** Ends the span: the thread's current span is again the one before it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (CURRENT.get() == this) {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
    observer.ended(this);
  }

  /** {@code name{a=1 b="x"}}, as upstream's log lines show a span. */
  @Override
  public String toString() {
    List<Field> f = fields();
    if (f.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    for (int i = 0; i < f.size(); i++) {
      b.append(i == 0 ? "" : " ").append(f.get(i));
    }
    return b.append('}').toString();
  }

  /** The current span with its ancestors, outermost first, joined by {@code :}; "" for none. */
  static String scopeOfCurrent() {
    LogSpan s = CURRENT.get();
    if (s == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (LogSpan p = s; p != null; p = p.parent) {
      parts.add(p.toString());
    }
    StringBuilder b = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      b.append(parts.get(i)).append(i == 0 ? "" : ":");
    }
    return b.toString();
  }
}
