package computectl.http;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.util.Failpoints;
import computectl.util.Log;

/**
 * {@code POST /failpoints} (testing builds): {@code [{"name", "actions"}, ...]}, applied in order.
 */
final class FailpointsHandler implements RouteHandler {
  private final Failpoints failpoints;

  FailpointsHandler(Failpoints failpoints) {
    this.failpoints = failpoints;
  }

  @Override
  public void handle(ApiRequest request) {
    JsonArray list = ApiJson.array(ApiJson.parse(request.jsonBody()), "");
    // The whole body is checked before any failpoint changes.
    int i = 0;
    for (JsonValue v : list) {
      JsonObject fp = ApiJson.object(v, "[" + i + "]");
      ApiJson.string(fp, "name", "[" + i + "]");
      ApiJson.string(fp, "actions", "[" + i + "]");
      i++;
    }
    for (JsonValue v : list) {
      String name = v.asObject().get("name").asString();
      String actions = v.asObject().get("actions").asString();
      Log.info("cfg failpoint: " + name + " " + actions);
      try {
        failpoints.configure(name, actions);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "failed to configure failpoints: " + e.getMessage());
      }
    }
    request.respondEmpty(200);
  }
}
