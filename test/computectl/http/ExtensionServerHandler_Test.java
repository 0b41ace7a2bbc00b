package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.Json;
import computectl.compute.ComputeNode;
import computectl.extension.ExtensionDownloader;
import computectl.metrics.ExportedMetrics;
import computectl.spec.SpecValidator;
import computectl.standin.SpecBuilder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /extension_server/{filename}} on the internal server (behaviour.md 9.5, 12.2). */
class ExtensionServerHandler_Test {
  static final String REMOTE =
      "{\"public_extensions\":[\"postgis\",\"broken\"],"
          + "\"library_index\":{\"postgis-3\":\"postgis\",\"broken\":\"broken\"},"
          + "\"extension_data\":{\"postgis\":{\"control_data\":{\"postgis.control\":\"x\"},\"archive_path\":\"p\"},"
          + "\"broken\":{\"control_data\":{},\"archive_path\":\"b\"}}}";

  final List<String> downloads = Collections.synchronizedList(new ArrayList<>());
  final ExtensionDownloader downloader =
      (ext, spec) -> {
        if (ext.equals("broken")) {
          throw new IllegalStateException(
              "failed to download extension broken: 503 Service Unavailable");
        }
        downloads.add(ext);
      };
  HttpServers servers;

  ApiClient serve(ComputeNode node, String remoteExtConfig) {
    servers =
        HttpServers.start(
            ApiContext.builder(node, new ExportedMetrics(), "c")
                .remoteExtensions(remoteExtConfig, downloader)
                .terminator(() -> {})
                .build(),
            0,
            0);
    return ApiClient.local(servers.internalPort());
  }

  /** A node with a valid spec whose {@code remote_extensions} is this JSON (null: none). */
  static ComputeNode nodeWith(String remoteExtensions) {
    SpecBuilder spec = SpecBuilder.validPrimary();
    if (remoteExtensions != null) {
      spec.set("remote_extensions", Json.parse(remoteExtensions));
    }
    ComputeNode node = new ComputeNode();
    node.setSpec(SpecValidator.validate(spec.parse()));
    return node;
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  @Test
  void extensionServer_downloadsAnExtension() {
    HttpResponse<String> r =
        serve(nodeWith(REMOTE), "http://ext-gateway").post("/extension_server/postgis", "");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("", r.body());
    assertEquals(List.of("postgis"), downloads);
  }

  @Test
  void extensionServer_resolvesALibrary() {
    HttpResponse<String> r =
        serve(nodeWith(REMOTE), "http://ext-gateway")
            .postRaw("/extension_server/postgis-3.so?is_library=true", "");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(List.of("postgis"), downloads);
  }

  @Test
  void extensionServer_withoutRemoteStorageIs412() {
    HttpResponse<String> r = serve(nodeWith(REMOTE), null).post("/extension_server/postgis", "");
    assertEquals(412, r.statusCode());
    assertEquals("{\"error\":\"remote storage is not configured\"}", r.body());
  }

  @Test
  void extensionServer_withoutRemoteExtensionsIs409() {
    HttpResponse<String> r =
        serve(nodeWith(null), "http://ext-gateway").post("/extension_server/postgis", "");
    assertEquals(409, r.statusCode());
    assertEquals("{\"error\":\"information about remote extensions is unavailable\"}", r.body());
  }

  @Test
  void extensionServer_onAnEmptyComputeIs409() {
    HttpResponse<String> r =
        serve(new ComputeNode(), "http://ext-gateway").post("/extension_server/postgis", "");
    assertEquals(409, r.statusCode());
    assertEquals(
        200,
        ApiClient.local(servers.externalPort()).get("/status").statusCode(),
        "state still readable");
  }

  @Test
  void extensionServer_unknownNameIs404() {
    ApiClient in = serve(nodeWith(REMOTE), "http://ext-gateway");
    HttpResponse<String> r = in.post("/extension_server/nolib.so?is_library=true", "");
    assertEquals(404, r.statusCode());
    assertEquals("{\"error\":\"library nolib is not found\"}", r.body());
    assertEquals(
        "{\"error\":\"extension postgis-3 is not found\"}",
        in.post("/extension_server/postgis-3", "").body());
  }

  @Test
  void extensionServer_failedDownloadIs500() {
    HttpResponse<String> r =
        serve(nodeWith(REMOTE), "http://ext-gateway").post("/extension_server/broken", "");
    assertEquals(500, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to download extension broken: 503 Service Unavailable\"}", r.body());
  }

  @Test
  void extensionServer_badIsLibraryIs400() {
    HttpResponse<String> r =
        serve(nodeWith(REMOTE), "http://ext-gateway")
            .post("/extension_server/postgis?is_library=yes", "");
    assertEquals(400, r.statusCode());
    assertEquals(
        "{\"error\":\"failed to deserialize query string: is_library: provided string was not"
            + " `true` or `false`\"}",
        r.body());
  }
}
