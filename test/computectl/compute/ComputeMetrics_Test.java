package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import computectl.standin.ControlPlaneStandIn;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a running compute exports (behaviour.md 10 and 5.9), read from the real process after a
 * control-plane start: upstream's families in upstream's order, one compute_ctl_up series, the
 * control-plane request counted, the installed extensions published, and the start's timings.
 */
@Tag("e2e")
class ComputeMetrics_Test {
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @Test
  void runningCompute_exportsUpstreamsFamiliesInOrder_andTheStartsTimings() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp =
            ControlPlaneStandIn.start().attached("compute-e2e", fx.spec(node).json());
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      // The installed extensions are listed by a background job after the start.
      Await.until(
          "compute_installed_extensions in /metrics",
          Duration.ofSeconds(60),
          () -> metrics(cc).contains("\ncompute_installed_extensions{"));
      HttpResponse<String> r = cc.get("/metrics");
      assertEquals(200, r.statusCode());
      assertEquals("text/plain; version=0.0.4", r.headers().firstValue("content-type").orElse(""));
      String text = r.body();
      assertEquals(
          List.of(
              "compute_ctl_up gauge",
              "compute_installed_extensions gauge",
              "compute_ctl_cplane_requests_total counter",
              "compute_audit_log_dir_size gauge"),
          types(text),
          text);
      assertEquals(
          List.of(
              "compute_ctl_up{build_tag=\""
                  + ComputeCtlProcess.buildTag()
                  + "\",status=\"running\"} 1"),
          samples(text, "compute_ctl_up"),
          text);
      assertEquals(
          List.of("compute_ctl_cplane_requests_total{http_status=\"200 OK\",rpc=\"GetSpec\"} 1"),
          samples(text, "compute_ctl_cplane_requests_total"),
          text);
      assertTrue(
          samples(text, "compute_installed_extensions").stream()
              .anyMatch(
                  s ->
                      s.startsWith(
                          "compute_installed_extensions{extension_name=\"plpgsql\",owned_by_superuser=\"1\",version=\"")),
          text);
      assertEquals(
          List.of("compute_audit_log_dir_size 0"), samples(text, "compute_audit_log_dir_size"));

      JsonObject timings = Json.parse(cc.get("/metrics.json").body()).asObject();
      assertEquals(
          List.of(
              "wait_for_spec_ms",
              "sync_sk_check_ms",
              "sync_safekeepers_ms",
              "pageserver_connect_micros",
              "basebackup_ms",
              "basebackup_bytes",
              "start_postgres_ms",
              "config_ms",
              "total_startup_ms",
              "load_ext_ms",
              "num_ext_downloaded",
              "largest_ext_size",
              "total_ext_download_size"),
          timings.names(),
          timings.toString());
      for (String measured :
          List.of(
              "pageserver_connect_micros",
              "basebackup_ms",
              "basebackup_bytes",
              "start_postgres_ms",
              "total_startup_ms")) {
        assertTrue(timings.getLong(measured, 0) > 0, measured + " in " + timings);
      }
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    }
  }

  private static String metrics(ComputeCtlProcess cc) {
    try {
      return cc.get("/metrics").body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The "# TYPE" lines' family and type, in order. */
  private static List<String> types(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        out.add(line.substring("# TYPE ".length()));
      }
    }
    return out;
  }

  /** The sample lines of {@code family}. */
  private static List<String> samples(String text, String family) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(family + "{") || line.startsWith(family + " ")) {
        out.add(line);
      }
    }
    return out;
  }
}
