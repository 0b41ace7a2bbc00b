package computectl.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ControlPlaneStandIn_Test {
  private static HttpResponse<String> get(ControlPlaneStandIn cp, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(cp.uri() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void spec_attachedPooledAndUnknown() throws Exception {
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start()) {
      cp.attached("c-1", new JsonObject().add("format_version", 1.0).toString());
      cp.empty("c-2");
      JsonObject attached =
          Json.parse(get(cp, "/compute/api/v2/computes/c-1/spec").body()).asObject();
      assertEquals("attached", attached.getString("status", ""));
      assertEquals(1.0, attached.get("spec").asObject().getDouble("format_version", 0), 0);
      assertEquals(
          "{\"keys\":[]}", attached.get("compute_ctl_config").asObject().get("jwks").toString());
      HttpResponse<String> pooled = get(cp, "/compute/api/v2/computes/c-2/spec");
      assertEquals(200, pooled.statusCode());
      assertEquals(
          "{\"spec\":null,\"status\":\"empty\",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}",
          pooled.body());
      assertEquals(404, get(cp, "/compute/api/v2/computes/c-3/spec").statusCode());
      assertEquals(404, get(cp, "/other").statusCode());
    }
  }
}
