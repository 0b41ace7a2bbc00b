package computectl.vmmonitor;

import com.eclipsesource.json.JsonObject;

/**
 * Monitor-to-agent messages, byte for byte as upstream writes them: compact JSON, payload fields at
 * the top level (no {@code content}), {@code type} first and {@code id} last.
 */
public final class MonitorMessages {
  private MonitorMessages() {}

  public static String version(int version) {
    return new JsonObject().add("version", version).toString();
  }

  /** The handshake's failure answer. */
  public static String versionError(String error) {
    return new JsonObject().add("error", error).toString();
  }

  public static String upscaleRequest(long id) {
    return typed("UpscaleRequest").add("id", id).toString();
  }

  public static String upscaleConfirmation(long id) {
    return typed("UpscaleConfirmation").add("id", id).toString();
  }

  public static String downscaleResult(boolean ok, String status, long id) {
    return typed("DownscaleResult").add("Ok", ok).add("Status", status).add("id", id).toString();
  }

  public static String healthCheck(long id) {
    return typed("HealthCheck").add("id", id).toString();
  }

  public static String internalError(String error, long id) {
    return typed("InternalError").add("error", error).add("id", id).toString();
  }

  public static String invalidMessage(String error, long id) {
    return typed("InvalidMessage").add("error", error).add("id", id).toString();
  }

  private static JsonObject typed(String type) {
    return new JsonObject().add("type", type);
  }
}
