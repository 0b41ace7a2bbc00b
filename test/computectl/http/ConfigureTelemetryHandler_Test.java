package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.rsyslog.RsyslogLogsExport;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.standin.SpecBuilder;
import computectl.util.ComputeCtlException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /configure_telemetry} (behaviour.md 9.5, 12.8). */
class ConfigureTelemetryHandler_Test {
  @TempDir Path dir;
  HttpServers servers;
  volatile boolean rsyslogRunning = true;

  ApiClient serve(String features) {
    ComputeNode node = new ComputeNode();
    node.setSpec(
        SpecValidator.validate(
            SpecParser.parseSpec(
                SpecBuilder.validPrimary().set("features", Json.parse(features)).json())));
    RsyslogLogsExport export =
        new RsyslogLogsExport(
            dir.resolve("postgres_logs.conf"),
            () -> {
              if (!rsyslogRunning) {
                throw new ComputeCtlException("rsyslogd is not running");
              }
            });
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "c")
                .logsExport(export)
                .terminator(() -> {})
                .build(),
            0,
            0);
    return ApiClient.local(servers.externalPort());
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  @Test
  void configureTelemetry_setsTheCollectorAndAnswers204() throws Exception {
    HttpResponse<String> r =
        serve("[\"postgres_logs_export\"]")
            .post("/configure_telemetry", "{\"logs_export_host\":\"otel.svc:10514\"}");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals("", r.body());
    assertTrue(
        Files.readString(dir.resolve("postgres_logs.conf"))
            .contains("target=\"otel.svc\" port=\"10514\""));
  }

  @Test
  void configureTelemetry_nullHostStopsTheExport() throws Exception {
    ApiClient ext = serve("[\"postgres_logs_export\"]");
    assertEquals(
        204,
        ext.post("/configure_telemetry", "{\"logs_export_host\":\"otel.svc:10514\"}").statusCode());
    assertEquals(204, ext.post("/configure_telemetry", "{\"logs_export_host\":null}").statusCode());
    assertTrue(Files.notExists(dir.resolve("postgres_logs.conf")));
  }

  @Test
  void configureTelemetry_withoutTheFeatureIs412() {
    HttpResponse<String> r =
        serve("[]").post("/configure_telemetry", "{\"logs_export_host\":\"otel.svc:10514\"}");
    assertEquals(412, r.statusCode());
    assertEquals("{\"error\":\"Postgres logs export feature is not enabled\"}", r.body());
  }

  @Test
  void configureTelemetry_emptyHostIsRefusedLikeUpstream_notTakenForNull() throws Exception {
    ApiClient ext = serve("[\"postgres_logs_export\"]");
    assertEquals(
        204,
        ext.post("/configure_telemetry", "{\"logs_export_host\":\"otel.svc:10514\"}").statusCode());
    HttpResponse<String> empty = ext.post("/configure_telemetry", "{\"logs_export_host\":\"\"}");
    assertEquals(500, empty.statusCode());
    assertEquals("{\"error\":\"Invalid host format for Postgres logs export\"}", empty.body());
    assertTrue(
        Files.readString(dir.resolve("postgres_logs.conf")).contains("target=\"otel.svc\""),
        "a refused host leaves the export as it was");
  }

  @Test
  void configureTelemetry_failuresAre500() {
    ApiClient ext = serve("[\"postgres_logs_export\"]");
    HttpResponse<String> bad =
        ext.post("/configure_telemetry", "{\"logs_export_host\":\"no-port\"}");
    assertEquals(500, bad.statusCode());
    assertEquals("{\"error\":\"Invalid host format for Postgres logs export\"}", bad.body());
    rsyslogRunning = false;
    HttpResponse<String> down =
        ext.post("/configure_telemetry", "{\"logs_export_host\":\"otel.svc:10514\"}");
    assertEquals(500, down.statusCode());
    assertEquals("{\"error\":\"rsyslogd is not running\"}", down.body());
  }

  @Test
  void configureTelemetry_wrongShapeIs422() {
    HttpResponse<String> r =
        serve("[\"postgres_logs_export\"]")
            .post("/configure_telemetry", "{\"logs_export_host\":514}");
    assertEquals(422, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize the json body into the target type: logs_export_host:"
            + " expected a string, got 514\"}",
        r.body());
  }
}
