package computectl.postgres;

import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Forwards a Postgres child's stderr (behaviour.md 5.7): lines are grouped into messages, a message
 * ending when the next line starts with a timestamp, at EOF, on a read error, or after 100 ms
 * without a new line. Each message is written as {@code PG:} + its lines joined by U+200B + a
 * newline, so a multi-line log entry stays one line in compute_ctl's log.
 *
 * <p>Blocking reads cannot time out, so one thread reads lines and another groups them with a timed
 * wait. Both end at EOF; {@link #join} waits for them.
 */
public final class PgLogForwarder {
  static final Pattern TIMESTAMP =
      Pattern.compile("^\\d+-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}", Pattern.UNICODE_CHARACTER_CLASS);
  static final long IDLE_FLUSH_MS = 100;
  public static final String SEPARATOR = "\u200B";

  /**
   * A line, or the end of the stream (line null). Not compared with {@code equals}: a record's is
   * linked at its first call, which in a cold start cost the first Postgres line a few dozen
   * generated method-handle classes.
   */
  private record Item(String line) {
    boolean isEnd() {
      return line == null;
    }
  }

  private static final Item END = new Item(null);

  private final InputStream in;
  private final Consumer<String> sink;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final Thread grouper;

  private PgLogForwarder(InputStream in, String name, Consumer<String> sink) {
    this.in = in;
    this.sink = sink;
    this.reader = NamedThreads.daemon(name + "-stderr-reader", this::readLines);
    this.grouper = NamedThreads.daemon(name + "-log-forwarder", this::groupLines);
  }

  /**
   * Starts forwarding {@code in} to {@code sink} (which receives whole {@code PG:...\n} messages).
   */
  public static PgLogForwarder start(InputStream in, String name, Consumer<String> sink) {
    PgLogForwarder f = new PgLogForwarder(in, name, sink);
    f.reader.start();
    f.grouper.start();
    return f;
  }

  /** The default sink: compute_ctl's stderr, unprefixed. */
  public static Consumer<String> stderrSink() {
    return Log::raw;
  }

  /** Waits until the stream has ended and the last message was written; false on timeout. */
  public boolean join(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    reader.join(Math.max(1, timeoutMillis));
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left > 0) {
      grouper.join(left);
    }
    return !reader.isAlive() && !grouper.isAlive();
  }

  /**
   * Gives up on a stream that does not end (a stray grandchild holding the pipe): closes it and
   * stops the grouping thread after it has written what it holds.
   */
  public void stop() {
    try {
      in.close();
    } catch (IOException e) {
      Log.debug("closing Postgres stderr: " + e.getMessage());
    }
    grouper.interrupt();
  }

  /** Joins the lines of one message. */
  public static String format(List<String> lines) {
    return "PG:" + String.join(SEPARATOR, lines) + "\n";
  }

  private void readLines() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            queue.add(new Item(decode(line)));
            line.reset();
          } else {
            line.write(buf[i]);
          }
        }
      }
      if (line.size() > 0) {
        queue.add(new Item(decode(line)));
      }
    } catch (IOException e) {
      Log.debug("stopped reading Postgres stderr: " + e.getMessage());
    } finally {
      queue.add(END);
      try {
        in.close();
      } catch (IOException e) {
        Log.debug("closing Postgres stderr: " + e.getMessage());
      }
    }
  }

  /**
   * Lenient UTF-8 (upstream stops forwarding on invalid UTF-8, which would leave the pipe
   * undrained).
   */
  private static String decode(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private void groupLines() {
    List<String> message = new ArrayList<>();
    try {
      while (true) {
        Item item = queue.poll(IDLE_FLUSH_MS, TimeUnit.MILLISECONDS);
        if (item == null || item.isEnd() || TIMESTAMP.matcher(item.line()).find()) {
          flush(message);
        }
        if (item != null && item.isEnd()) {
          return;
        }
        if (item != null) {
          message.add(item.line());
        }
      }
    } catch (InterruptedException e) {
      flush(message);
      Thread.currentThread().interrupt();
    }
  }

  private void flush(List<String> message) {
    if (message.isEmpty()) {
      return;
    }
    String text = format(message);
    message.clear();
    try {
      sink.accept(text);
    } catch (RuntimeException e) {
      Log.error("could not forward a Postgres log message: " + e);
    }
  }
}
