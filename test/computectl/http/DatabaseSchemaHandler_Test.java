package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
import computectl.metrics.ExportedMetrics;
import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import computectl.util.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
@Tag("e2e")
class DatabaseSchemaHandler_Test {
  static LocalCluster pg;
  static ChildProcesses children = new ChildProcesses();
  static HttpServers servers;
  static ApiClient ext;

  static HttpServers serve(Path pgbin, Integer port) {
    return HttpServers.start(
        ApiContext.builder(new ComputeNode(), new ExportedMetrics(), "c")
            .pgbin(pgbin)
            .dumpTarget(new PgDumpTarget("127.0.0.1", port, "cloud_admin"))
            .children(children)
            .terminator(() -> {})
            .build(),
        0,
        0);
  }

  @BeforeAll
  static void start(LocalCluster cluster) throws IOException {
    pg = cluster;
    pg.psql("postgres", "CREATE DATABASE schema_db");
    pg.psql(
        "schema_db", "CREATE TABLE schema_widgets (id bigint PRIMARY KEY, label text NOT NULL)");
    pg.psql("postgres", "CREATE DATABASE schema_big");
    // A 40 MB comment makes a dump far larger than the socket buffers.
    pg.psql(
        "schema_big",
        "CREATE TABLE big (id int); DO $$BEGIN EXECUTE format('COMMENT ON TABLE big IS %L',"
            + " repeat('x', 40000000)); END$$");
    servers = serve(TestPg.install().postgres(), pg.port());
    ext = ApiClient.local(servers.externalPort());
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  @Test
  void databaseSchema_streamsPgDumpOutput() {
    HttpResponse<String> r = ext.get("/database_schema?database=schema_db");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.body().contains("CREATE TABLE public.schema_widgets ("), r.body());
    assertTrue(r.body().contains("PostgreSQL database dump complete"), "the whole dump");
  }

  @Test
  void databaseSchema_missingDatabaseIs404() {
    HttpResponse<String> r = ext.get("/database_schema?database=no_such_db");
    assertEquals(404, r.statusCode());
    assertEquals("{\"error\":\"database does not exist\"}", r.body());
  }

  @Test
  void databaseSchema_missingParameterIs400() {
    HttpResponse<String> r = ext.get("/database_schema");
    assertEquals(400, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize query string: missing field `database`\"}", r.body());
  }

  @Test
  void databaseSchema_connstrWithoutPortIs500() {
    try (HttpServers s = serve(TestPg.install().postgres(), null)) {
      HttpResponse<String> r =
          ApiClient.local(s.externalPort()).get("/database_schema?database=schema_db");
      assertEquals(500, r.statusCode());
      assertEquals("{\"error\":\"unexpected I/O error\"}", r.body());
    }
  }

  @Test
  void databaseSchema_missingPgDumpIs500() {
    try (HttpServers s = serve(Path.of("/nonexistent/bin/postgres"), pg.port())) {
      HttpResponse<String> r =
          ApiClient.local(s.externalPort()).get("/database_schema?database=schema_db");
      assertEquals(500, r.statusCode());
      assertEquals("{\"error\":\"unexpected I/O error\"}", r.body());
    }
  }

  @Test
  void databaseSchema_killsPgDumpWhenTheClientGoesAway() throws Exception {
    List<Process> running;
    try (Socket s = new Socket("127.0.0.1", servers.externalPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /database_schema?database=schema_big HTTP/1.1\r\nHost: x\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[1024];
      int n = in.read(head);
      assertTrue(new String(head, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
      running = children.all(); // the client stopped reading: pg_dump waits for its pipe
    }
    assertEquals(1, running.size(), "pg_dump is registered while it runs");
    Process dump = running.get(0);
    assertTrue(dump.waitFor(20, TimeUnit.SECONDS), "pg_dump ended");
    assertEquals(137, dump.exitValue(), "killed (SIGKILL), not finished");
  }
}
