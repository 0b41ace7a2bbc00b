package computectl.http;

import computectl.compute.ComputeNode;
import computectl.compute.ComputeStatus;
import computectl.util.ComputeCtlException;

/**
 * A request that ends in an error response: the status code and the text of the {@code {"error":
 * "..."}} body (behaviour.md 9.4).
 */
public final class ApiError extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiError(int status, String message) {
    super(message);
    this.status = status;
  }

  public ApiError(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** 412 with the kebab-case status, as every status-guarded route answers. */
  public static ApiError invalidStatus(ComputeStatus status) {
    return new ApiError(412, "invalid compute status: " + status.display());
  }

  /** The guard of the routes that need a running compute: {@link #invalidStatus} otherwise. */
  static void requireRunning(ComputeNode node) {
    ComputeStatus status = node.status();
    if (status != ComputeStatus.RUNNING) {
      throw invalidStatus(status);
    }
  }

  /** 400 for a body that is not JSON; the text is lower-cased as upstream's extractor does. */
  public static ApiError malformedJson(String detail) {
    return new ApiError(
        400,
        ("failed to parse the request body as json: " + detail).toLowerCase(java.util.Locale.ROOT));
  }

  /** 422 for JSON of the wrong shape; {@code detail} is {@code <json path>: <problem>}. */
  public static ApiError wrongShape(String detail) {
    return new ApiError(
        422,
        ("failed to deserialize the json body into the target type: " + detail)
            .toLowerCase(java.util.Locale.ROOT));
  }
}
