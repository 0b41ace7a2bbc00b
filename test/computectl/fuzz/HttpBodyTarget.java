package computectl.fuzz;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.http.ApiContext;
import computectl.http.HttpServers;
import computectl.metrics.ExportedMetrics;
import computectl.postgres.JdbcConnector;
import computectl.standin.LocalCluster;
import computectl.testsupport.Fixtures;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The HTTP API's request bodies through the real servers: a case is a route byte, a content-type
 * byte and a body, sent to {@code /configure}, {@code /configure_telemetry}, {@code /extensions},
 * {@code /grants} or {@code /extension_server/<name>} of a Running compute whose SQL routes reach a
 * real Postgres through the connector compute_ctl itself uses. Every answer must be a documented
 * status; an error must be {@code {"error": "<text>"}}, and never the router's "internal error" for
 * an escaped exception. A canary table that an injected statement would drop must survive the run.
 */
public final class HttpBodyTarget implements FuzzTarget {
  private static final String[] ROUTES = {
    "/configure", "/configure_telemetry", "/extensions", "/grants", "/extension_server/"
  };
  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json",
    "application/json",
    "APPLICATION/JSON; charset=utf-8",
    "application/problem+json",
    "text/plain",
    null
  };
  private static final Set<Integer> DOCUMENTED =
      Set.of(200, 201, 204, 400, 404, 405, 409, 412, 413, 415, 422, 500);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final LocalCluster pg;
  private final ComputeNode node = new ComputeNode();
  private final FlowStandIn flow;
  private final HttpServers servers;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final List<byte[]> corpus = new ArrayList<>();
  private final Connection canaryCheck;

  public HttpBodyTarget() throws IOException, SQLException {
    pg = TestPg.newCluster();
    pg.psql(
        "postgres",
        "CREATE TABLE fuzz_canary(x int); INSERT INTO fuzz_canary VALUES (42); CREATE ROLE"
            + " fuzz_role");
    canaryCheck = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalCluster.SUPERUSER, "");
    node.setStatus(ComputeStatus.INIT);
    node.setStatus(ComputeStatus.RUNNING);
    flow = new FlowStandIn(node);
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "compute-fuzz")
                .db(JdbcConnector.fromConnstr(pg.url("postgres")))
                .terminator(() -> {})
                .logsExport(host -> {})
                .build(),
            0,
            0);
    String spec = Fixtures.read("specs/upstream-compute-tools-cluster_spec.json");
    add(0, 0, "{\"spec\":" + spec + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}");
    add(1, 0, "{\"logs_export_host\":\"collector:10514\"}");
    add(2, 0, "{\"extension\":\"plpgsql\",\"database\":\"postgres\",\"version\":\"1.0\"}");
    add(
        2,
        3,
        "{\"extension\":\"neon\\\"; DROP TABLE fuzz_canary;"
            + " --\",\"database\":\"postgres\",\"version\":\"1.0\"}");
    add(
        3,
        0,
        "{\"database\":\"postgres\",\"schema\":\"public\",\"privileges\":[\"USAGE\",\"CREATE\"],\"role\":\"fuzz_role\"}");
    add(
        3,
        4,
        "{\"database\":\"postgres\",\"schema\":\"public\\\"; DROP TABLE fuzz_canary;"
            + " --\",\"privileges\":[\"USAGE\"],\"role\":\"fuzz_role\"}");
    add(4, 0, "postgis-3.so");
  }

  private void add(int route, int contentType, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] in = new byte[b.length + 2];
    in[0] = (byte) route;
    in[1] = (byte) contentType;
    System.arraycopy(b, 0, in, 2, b.length);
    corpus.add(in);
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public List<byte[]> corpus() {
    return corpus;
  }

  @Override
  public List<String> dictionary() {
    List<String> d =
        new ArrayList<>(
            List.of(
                "\"extension\":",
                "\"database\":",
                "\"version\":",
                "\"schema\":",
                "\"privileges\":",
                "\"role\":",
                "\"logs_export_host\":",
                "\"SELECT\"",
                "\"ALL\"",
                "\"\"",
                "null",
                "[[[[[[[[[[",
                "\"\\\"; DROP TABLE fuzz_canary; --\"",
                "\"$$\"",
                "\"\\u0000\"",
                "\"a'b\"",
                "\"template1\"",
                "\"nosuchdb\""));
    d.addAll(SpecParserTarget.DICTIONARY);
    return d;
  }

  @Override
  public Duration deadline() {
    return Duration.ofSeconds(20);
  }

  @Override
  public void run(byte[] input, Probe probe) throws Exception {
    if (input.length < 2) {
      return;
    }
    String route = ROUTES[(input[0] & 0xFF) % ROUTES.length];
    String contentType = CONTENT_TYPES[(input[1] & 0xFF) % CONTENT_TYPES.length];
    byte[] body = java.util.Arrays.copyOfRange(input, 2, input.length);
    boolean internal = route.startsWith("/ext") || route.equals("/grants");
    String path = route;
    if (route.endsWith("/")) {
      String name = new String(body, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      path = route + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
    int port = internal ? servers.internalPort() : servers.externalPort();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      req.header("Content-Type", contentType);
    }
    HttpResponse<String> r =
        client.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    check(route, r, probe);
  }

  private static void check(String route, HttpResponse<String> r, Probe probe) {
    int status = r.statusCode();
    if (!DOCUMENTED.contains(status)) {
      probe.fail(route + " answered an undocumented status " + status + ": " + r.body());
    }
    if (status < 400) {
      probe.record(route, true);
      return;
    }
    probe.record(route, false);
    if (status == 404 || status == 405) {
      return; // the router's empty answers
    }
    JsonValue error;
    try {
      error = Json.parse(r.body()).asObject().get("error");
    } catch (RuntimeException e) {
      probe.fail(route + " answered " + status + " without a JSON error body: " + r.body());
      return;
    }
    if (error == null || !error.isString() || error.asString().isBlank()) {
      probe.fail(route + " answered " + status + " without an error text: " + r.body());
    } else if (error.asString().startsWith("internal error")) {
      probe.fail(route + " let an exception escape: " + error.asString());
    }
  }

  @Override
  public void checkInvariants() throws SQLException {
    try (Statement s = canaryCheck.createStatement();
        ResultSet rs = s.executeQuery("SELECT x FROM fuzz_canary")) {
      if (!rs.next() || rs.getInt(1) != 42 || rs.next()) {
        throw new AssertionError("the canary table changed");
      }
    }
  }

  @Override
  public void close() throws IOException {
    servers.close();
    flow.close();
    try {
      canaryCheck.close();
    } catch (SQLException e) {
      throw new IOException(e);
    }
    pg.close();
  }
}
