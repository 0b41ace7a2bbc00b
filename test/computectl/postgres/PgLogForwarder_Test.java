package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PgLogForwarder_Test {
  private static final String ZWSP = "\u200B";
  private final List<String> sink = new CopyOnWriteArrayList<>();

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private void waitForMessages(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000; // generous for a loaded machine
    while (sink.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void forwarder_groupsContinuationLinesUntilTheNextTimestamp() throws Exception {
    PgLogForwarder f =
        PgLogForwarder.start(
            text(
                "2025-04-01 10:00:00.123 UTC [42] LOG:  first\n\tdetail line\n"
                    + "2025-04-01 10:00:01.000 UTC [42] LOG:  second\n"),
            "t",
            sink::add);
    assertTrue(f.join(5000));
    assertEquals(
        List.of(
            "PG:2025-04-01 10:00:00.123 UTC [42] LOG:  first" + ZWSP + "\tdetail line\n",
            "PG:2025-04-01 10:00:01.000 UTC [42] LOG:  second\n"),
        sink);
  }

  @Test
  void forwarder_linesWithoutTimestampStayTogetherAndLastPartialLineIsKept() throws Exception {
    PgLogForwarder f =
        PgLogForwarder.start(text("no stamp\r\nstill none\npartial"), "t", sink::add);
    assertTrue(f.join(5000));
    assertEquals(List.of("PG:no stamp" + ZWSP + "still none" + ZWSP + "partial\n"), sink);
  }

  @Test
  void forwarder_flushesAfterAHundredMillisecondsOfSilence() throws Exception {
    PipedOutputStream out = new PipedOutputStream();
    PgLogForwarder f = PgLogForwarder.start(new PipedInputStream(out), "t", sink::add);
    out.write("waiting line\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    waitForMessages(1);
    assertEquals(List.of("PG:waiting line\n"), sink, "flushed while the stream is still open");
    out.write("continuation after a pause\n".getBytes(StandardCharsets.UTF_8));
    out.close();
    assertTrue(f.join(5000));
    assertEquals(List.of("PG:waiting line\n", "PG:continuation after a pause\n"), sink);
  }

  @Test
  void forwarder_flushesWhatItHasOnAReadError() throws Exception {
    InputStream failing =
        new InputStream() {
          private final InputStream first = text("a\nb\n");

          @Override
          public int read() throws IOException {
            int b = first.read();
            if (b < 0) {
              throw new IOException("broken pipe");
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = first.read(b, off, len);
            if (n < 0) {
              throw new IOException("broken pipe");
            }
            return n;
          }
        };
    PgLogForwarder f = PgLogForwarder.start(failing, "t", sink::add);
    assertTrue(f.join(5000));
    assertEquals(List.of("PG:a" + ZWSP + "b\n"), sink);
  }

  @Test
  void forwarder_threadsAreNamed() throws Exception {
    PipedOutputStream out = new PipedOutputStream();
    PgLogForwarder f = PgLogForwarder.start(new PipedInputStream(out), "named", sink::add);
    List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
    assertTrue(
        names.contains("named-stderr-reader") && names.contains("named-log-forwarder"),
        names.toString());
    out.close();
    assertTrue(f.join(5000));
  }
}
