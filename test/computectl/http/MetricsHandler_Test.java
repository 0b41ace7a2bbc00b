package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.compute.UpMetric;
import computectl.metrics.ExportedMetrics;
import computectl.metrics.StartupMetrics;
import computectl.standin.SpecBuilder;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} (Prometheus text 0.0.4) and {@code /metrics.json}, and compute_ctl_up over a
 * whole life.
 */
class MetricsHandler_Test {
  static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
  static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  static final List<String> UPSTREAM_ORDER =
      List.of(
          "compute_ctl_up",
          "compute_installed_extensions",
          "compute_ctl_cplane_requests_total",
          "compute_ctl_remote_ext_requests_total",
          "compute_ctl_db_migration_failed_total",
          "compute_audit_log_dir_size");

  /** A strict reading of the 0.0.4 text format; fails the test on the first problem. */
  static void checkFormat(String text) {
    assertTrue(text.endsWith("\n"), "ends with a newline");
    Set<String> typed = new HashSet<>();
    List<String> familyOrder = new ArrayList<>();
    String current = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        current = line.substring(7).split(" ", 2)[0];
        assertTrue(NAME.matcher(current).matches(), line);
        assertTrue(typed.add(current), "one HELP per family: " + line);
        familyOrder.add(current);
      } else if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ");
        assertEquals(current, p[0], "TYPE follows its HELP: " + line);
        assertTrue(p[1].equals("gauge") || p[1].equals("counter"), line);
      } else {
        Matcher m = SAMPLE.matcher(line);
        assertTrue(m.matches(), "sample line: " + line);
        assertEquals(current, m.group(1), "sample inside its family: " + line);
        Double.parseDouble(m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        if (m.group(3) != null) {
          checkLabels(m.group(3), line);
        }
      }
    }
    List<String> expectedOrder = new ArrayList<>(UPSTREAM_ORDER);
    expectedOrder.retainAll(familyOrder);
    assertEquals(expectedOrder, familyOrder, "families in upstream's order");
  }

  static void checkLabels(String labels, String line) {
    Matcher l = LABEL.matcher(labels);
    List<String> names = new ArrayList<>();
    int at = 0;
    while (l.find() && l.start() == at) {
      names.add(l.group(1));
      at = l.end();
    }
    assertEquals(labels.length(), at, "labels parse completely: " + line);
    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertEquals(sorted, names, "label names sorted: " + line);
  }

  static List<String> upSeries(String text) {
    return text.lines().filter(l -> l.startsWith("compute_ctl_up{")).collect(Collectors.toList());
  }

  @Test
  void metrics_isPrometheusTextWithUpstreamContentType() throws IOException, InterruptedException {
    ExportedMetrics metrics = new ExportedMetrics();
    metrics.up.set(1, "latest", "running");
    metrics.installedExtensions.set(2, "plpgsql", "1.0", "1");
    metrics.cplaneRequests.inc("GetSpec", "200 OK");
    metrics.remoteExtRequests.inc("200 OK", "we\"ird\\name\n.tar.zst");
    metrics.migrationFailed.inc("3");
    try (HttpServers s =
        HttpServers.start(
            ApiContext.builder(new ComputeNode(), metrics, "c")
                .jwks(List.of(new Tokens("k").jwk()))
                .terminator(() -> {})
                .build(),
            0,
            0)) {
      HttpResponse<String> r = ApiClient.local(s.externalPort()).get("/metrics");
      assertEquals(200, r.statusCode(), "no token needed");
      assertEquals(
          "text/plain; version=0.0.4", r.headers().firstValue("Content-Type").orElseThrow());
      checkFormat(r.body());
      assertTrue(
          r.body()
              .contains(
                  "compute_ctl_remote_ext_requests_total{filename=\"we\\\"ird\\\\name\\n.tar.zst\","
                      + "http_status=\"200 OK\"} 1\n"),
          r.body());
      assertTrue(
          r.body()
              .contains(
                  "compute_ctl_cplane_requests_total{http_status=\"200 OK\",rpc=\"GetSpec\"} 1\n"));
      assertTrue(
          r.body()
              .endsWith(
                  "# HELP compute_audit_log_dir_size Size of audit log directory in bytes\n"
                      + "# TYPE compute_audit_log_dir_size gauge\ncompute_audit_log_dir_size 0\n"),
          r.body());
      promtoolAccepts(r.body());
    }
  }

  static void promtoolAccepts(String text) throws IOException, InterruptedException {
    File promtool = new File("/usr/bin/promtool");
    Assumptions.assumeTrue(promtool.canExecute(), "promtool is not installed");
    Process p =
        new ProcessBuilder(promtool.getPath(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
    assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
  }

  @Test
  void metricsJson_isTheStartupTimingsInOrder() {
    ComputeNode node = new ComputeNode();
    node.metrics().set(StartupMetrics.Field.SYNC_SK_CHECK_MS, 3);
    node.metrics().set(StartupMetrics.Field.PAGESERVER_CONNECT_MICROS, 1800);
    node.metrics().set(StartupMetrics.Field.BASEBACKUP_BYTES, 1048576);
    try (HttpServers s =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "c").terminator(() -> {}).build(),
            0,
            0)) {
      HttpResponse<String> r = ApiClient.local(s.externalPort()).get("/metrics.json");
      assertEquals(200, r.statusCode());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(
          "{\"wait_for_spec_ms\":0,\"sync_sk_check_ms\":3,\"sync_safekeepers_ms\":0,"
              + "\"pageserver_connect_micros\":1800,\"basebackup_ms\":0,\"basebackup_bytes\":1048576,"
              + "\"start_postgres_ms\":0,\"config_ms\":0,\"total_startup_ms\":0,\"load_ext_ms\":0,"
              + "\"num_ext_downloaded\":0,\"largest_ext_size\":0,\"total_ext_download_size\":0}",
          r.body());
    }
  }

  @Test
  void computeCtlUp_followsAWholeLifeOneSeriesAtATime() throws Exception {
    ComputeNode node = new ComputeNode();
    ExportedMetrics metrics = new ExportedMetrics();
    UpMetric up = new UpMetric(metrics.up, "latest");
    node.addListener(up);
    List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
    List<ComputeStatus> told = Collections.synchronizedList(new ArrayList<>());
    node.addListener(
        (from, to) -> {
          seen.add(upSeries(metrics.text()));
          told.add(to);
        });
    try (ComputeFlowStub flow = new ComputeFlowStub(node);
        HttpServers s =
            HttpServers.start(
                ApiContext.builder(node, metrics, "c").terminator(flow.terminator()).build(),
                0,
                0)) {
      ApiClient ext = ApiClient.local(s.externalPort());
      assertEquals(
          List.of(), upSeries(ext.get("/metrics").body()), "nothing before the servers are up");
      up.publish(node.status());
      seen.add(upSeries(ext.get("/metrics").body()));
      assertEquals(
          200, ext.post("/configure", SpecBuilder.validPrimary().configureBody()).statusCode());
      ComputeFlowStub.awaitTrue(() -> told.size() == 3);
      checkFormat(ext.get("/metrics").body());
      assertEquals(
          200, ext.post("/configure", SpecBuilder.validPrimary().configureBody()).statusCode());
      ComputeFlowStub.awaitTrue(() -> told.size() == 6);
      assertEquals(200, ext.post("/terminate", "").statusCode());
      ComputeFlowStub.awaitTrue(() -> told.size() == 8);
      seen.add(upSeries(ext.get("/metrics").body()));
    }
    List<String> statuses = new ArrayList<>();
    for (List<String> series : seen) {
      if (series.size() != 1) {
        fail("exactly one compute_ctl_up series at a time, got " + series);
      }
      Matcher m =
          Pattern.compile("compute_ctl_up\\{build_tag=\"latest\",status=\"([a-z-]+)\"\\} 1")
              .matcher(series.get(0));
      assertTrue(m.matches(), series.get(0));
      if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(m.group(1))) {
        statuses.add(m.group(1));
      }
    }
    List<String> life =
        List.of(
            "empty",
            "configuration-pending",
            "init",
            "running",
            "configuration-pending",
            "configuration",
            "running",
            "termination-pending",
            "terminated");
    assertEquals(life, statuses);
    assertEquals(ComputeStatus.TERMINATED, node.status());
  }
}
