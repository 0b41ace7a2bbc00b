package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-format json}: every line one object with timestamp, level, thread, spans and
 * message.
 */
class LogFormat_Test {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream previous =
      Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));

  @AfterEach
  void restore() {
    Log.setFormat(Log.Format.TEXT);
    Log.setOutput(previous);
  }

  private List<String> lines() {
    return buffer.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void json_everyLineHasTimestampLevelThreadAndMessage() throws Exception {
    Log.setFormat(Log.Format.JSON);
    Thread t =
        new Thread(() -> Log.warn("quote \" backslash \\ newline \n tab \t done"), "worker-7");
    t.start();
    t.join();
    Log.info("second");
    List<String> lines = lines();
    assertEquals(2, lines.size(), lines.toString());
    JsonObject first = Json.parse(lines.get(0)).asObject();
    assertEquals(List.of("timestamp", "level", "thread", "spans", "message"), first.names());
    assertEquals("", first.getString("spans", null), "outside any span");
    assertEquals("WARN", first.getString("level", null));
    assertEquals("worker-7", first.getString("thread", null));
    assertEquals("quote \" backslash \\ newline \n tab \t done", first.getString("message", null));
    Instant.parse(first.getString("timestamp", null));
    assertEquals("INFO", Json.parse(lines.get(1)).asObject().getString("level", null));
  }

  @Test
  void json_forwardedPostgresLinesBecomeObjectsToo() {
    Log.setFormat(Log.Format.JSON);
    Log.raw("PG:2025-04-01 10:00:00 UTC LOG:  ready\u200bsecond line\n");
    JsonObject o = Json.parse(lines().get(0)).asObject();
    assertEquals(
        "PG:2025-04-01 10:00:00 UTC LOG:  ready\u200bsecond line", o.getString("message", null));
    assertEquals("INFO", o.getString("level", null));
  }

  @Test
  void text_isTheDefaultAndUnchanged() {
    assertEquals(Log.Format.TEXT, Log.format());
    Log.error("plain");
    Log.raw("PG:raw line\n");
    List<String> lines = lines();
    // Upstream's shape: time, level, the spans (none here), the message.
    assertTrue(lines.get(0).matches("\\S+Z ERROR plain"), lines.get(0));
    assertEquals("PG:raw line", lines.get(1));
  }
}
