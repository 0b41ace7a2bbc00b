package computectl.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.compute.ComputeNode;
import computectl.http.ApiContext;
import computectl.http.HttpServers;
import computectl.metrics.ExportedMetrics;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /extension_server/{filename}} served by the HTTP API with {@link RemoteExtensions}
 * behind it.
 */
class ExtensionServerRoute_Test {
  private static ExtensionStore store;
  private static HttpServers servers;
  private static ExtensionDirs dirs;
  private static final ExportedMetrics METRICS = new ExportedMetrics();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    store = new ExtensionStore();
    Path root = Files.createTempDirectory("computectl-extroute-");
    Files.createDirectories(root.resolve("share/extension"));
    Files.createDirectories(root.resolve("lib"));
    dirs =
        new ExtensionDirs(
            root.resolve("download"), root.resolve("share/extension"), root.resolve("lib"));
    ComputeNode node = new ComputeNode();
    node.setSpec(
        SpecValidator.validate(
            SpecParser.parseSpec(
                "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]},"
                    + "\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\",\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\","
                    + "\"pageserver_connstring\":\"postgresql://no_user@127.0.0.1:6400\",\"safekeeper_connstrings\":[\"x\"],"
                    + "\"remote_extensions\":{\"public_extensions\":[\"routeext\",\"busyext\"],"
                    + "\"library_index\":{\"routelib\":\"routeext\"},\"extension_data\":{"
                    + "\"routeext\":{\"control_data\":{},\"archive_path\":\"\"},\"busyext\":{\"control_data\":{},\"archive_path\":\"\"}}}}")));
    RemoteExtensions extensions =
        new RemoteExtensions(store.url(), "latest", "v15", dirs, METRICS, null);
    servers =
        HttpServers.start(
            ApiContext.builder(node, METRICS, "compute-1")
                .terminator(() -> {})
                .remoteExtensions(store.url(), extensions)
                .build(),
            0,
            0);
  }

  @AfterAll
  static void stop() {
    servers.close();
    store.close();
  }

  private static HttpResponse<String> post(String pathAndQuery) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + servers.internalPort() + pathAndQuery))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void library_isDownloadedAndInstalled() throws Exception {
    store.serve(
        "/latest/v15/extensions/routeext.tar.zst",
        ExtensionStore.tarZst(Map.of("lib/routelib.so", "elf")));

    HttpResponse<String> r = post("/extension_server/routelib.so?is_library=true");

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("elf", Files.readString(dirs.pkglibDir().resolve("routelib.so")));
    assertEquals(200, post("/extension_server/routeext").statusCode(), "already installed");
    assertEquals(1, store.count("/latest/v15/extensions/routeext.tar.zst"));
  }

  @Test
  void unknownLibrary_is404() throws Exception {
    HttpResponse<String> r = post("/extension_server/nolib.so?is_library=true");

    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("library nolib is not found"), r.body());
  }

  @Test
  void unavailableStore_is500WithTheReason() throws Exception {
    store.serve("/latest/v15/extensions/busyext.tar.zst", 503, new byte[0], 0);

    HttpResponse<String> r = post("/extension_server/busyext");

    assertEquals(500, r.statusCode());
    assertTrue(
        r.body()
            .contains(
                "error downloading extension \\\"busyext\\\": remote extensions server is"
                    + " temporarily unavailable"),
        r.body());
    assertEquals(1, METRICS.remoteExtRequests.value("503 Service Unavailable", "busyext.tar.zst"));
  }
}
