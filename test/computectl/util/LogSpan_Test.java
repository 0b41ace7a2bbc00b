package computectl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Log lines name the thread's spans with their fields, as upstream's tracing lines do. */
class LogSpan_Test {
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

  /** The line without its timestamp. */
  private String last() {
    List<String> l = lines();
    String line = l.get(l.size() - 1);
    return line.substring(line.indexOf(' ') + 1);
  }

  @Test
  void text_nestedSpansWithFields_comeBeforeTheMessage() {
    try (LogSpan outer =
        LogSpan.enter(
            "lsn_lease_bg_task",
            LogSpan.Field.bare("tenant_id", "b0554b63"),
            LogSpan.Field.bare("lsn", "0/169AD58"))) {
      Log.info("Request succeeded, sleeping for 540 seconds");
      assertEquals(
          " INFO lsn_lease_bg_task{tenant_id=b0554b63 lsn=0/169AD58}: Request succeeded, sleeping"
              + " for 540 seconds",
          last());
      LogSpan.enter("get_basebackup").run(() -> Log.warn("slow"));
      assertEquals(
          " WARN lsn_lease_bg_task{tenant_id=b0554b63 lsn=0/169AD58}:get_basebackup: slow", last());
      Log.info("back");
      assertTrue(last().startsWith(" INFO lsn_lease_bg_task{"), last());
      assertSame(outer, LogSpan.current());
    }
    Log.info("outside");
    assertEquals(" INFO outside", last(), "no span, no prefix, as upstream");
    assertNull(LogSpan.current());
  }

  @Test
  void text_fieldsAreQuotedLikeRustStrings_andRecordedFieldsShowLater() {
    try (LogSpan s =
        LogSpan.enter(
            "HTTP",
            LogSpan.Field.text("http.request.method", "GET"),
            LogSpan.Field.text("url.path", "/a\"b"))) {
      s.record(LogSpan.Field.bare("http.response.status_code", 200));
      Log.info("done");
    }
    assertEquals(
        " INFO HTTP{http.request.method=\"GET\" url.path=\"/a\\\"b\""
            + " http.response.status_code=200}: done",
        last());
  }

  @Test
  void enterChildOf_carriesTheParentToAnotherThread() throws Exception {
    try (LogSpan start = LogSpan.enter("start_compute")) {
      Thread t =
          new Thread(
              () -> LogSpan.enterChildOf(start, "prepare_pgdata").run(() -> Log.info("resetting")),
              "pre-start-1");
      t.start();
      t.join();
    }
    assertEquals(" INFO start_compute:prepare_pgdata: resetting", last());
  }

  @Test
  void enterTracedFrom_logsUnderThisThreadButTracesFromTheGivenParent() {
    AtomicReference<Object> seen = new AtomicReference<>();
    LogSpan.setObserver(
        new SpanObserver() {
          @Override
          public void started(LogSpan span) {
            seen.set(span.traceParent());
          }

          @Override
          public void ended(LogSpan span) {}
        });
    try {
      LogSpan request;
      try (LogSpan r = LogSpan.enter("HTTP")) {
        request = r;
      }
      try (LogSpan loop = LogSpan.enter("configurator_main_loop");
          LogSpan re = LogSpan.enterTracedFrom(request, "reconfigure")) {
        Log.info("finished");
        assertSame(request, seen.get());
        assertSame(loop, re.parent());
      }
      assertEquals(" INFO configurator_main_loop:reconfigure: finished", last());
      LogSpan.RemoteParent remote = new LogSpan.RemoteParent("00-abc-def-01", null);
      LogSpan.enterTracedFrom(remote, "start_compute").run(() -> assertSame(remote, seen.get()));
    } finally {
      LogSpan.setObserver(SpanObserver.NONE);
    }
  }

  @Test
  void json_carriesTheSpans() {
    Log.setFormat(Log.Format.JSON);
    LogSpan.enter("start_compute").run(() -> Log.info("in"));
    Log.info("out");
    JsonObject in = Json.parse(lines().get(0)).asObject();
    assertEquals("start_compute", in.getString("spans", null));
    assertEquals("", Json.parse(lines().get(1)).asObject().getString("spans", null));
  }
}
