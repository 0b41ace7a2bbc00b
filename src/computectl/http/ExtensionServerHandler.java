package computectl.http;

import computectl.compute.ComputeNode;
import computectl.extension.ExtensionDownloader;
import computectl.spec.ParsedSpec;
import computectl.spec.RemoteExtSpec;
import computectl.spec.SpecException;

/**
 * {@code POST /extension_server/{filename}[?is_library=true]}: the neon extension asks for a remote
 * extension's files before Postgres loads them (behaviour.md 9.5, 12.2).
 */
final class ExtensionServerHandler implements RouteHandler {
  static final String PREFIX = "/extension_server/";

  private final ComputeNode node;
  private final String remoteExtConfig;
  private final ExtensionDownloader downloader;

  ExtensionServerHandler(ComputeNode node, String remoteExtConfig, ExtensionDownloader downloader) {
    this.node = node;
    this.remoteExtConfig = remoteExtConfig;
    this.downloader = downloader;
  }

  @Override
  public void handle(ApiRequest request) {
    String filename = ApiRequest.decode(request.rawPath().substring(PREFIX.length()));
    boolean isLibrary = isLibrary(request.query().get("is_library"));
    if (remoteExtConfig == null || downloader == null) {
      throw new ApiError(412, "remote storage is not configured");
    }
    // Upstream panics here for an Empty compute (no spec) and poisons its state lock; we answer
    // 409.
    ParsedSpec spec = node.spec();
    RemoteExtSpec remote = spec == null ? null : spec.spec().remoteExtensions();
    if (remote == null) {
      throw new ApiError(409, "information about remote extensions is unavailable");
    }
    String extension;
    try {
      extension = remote.resolve(filename, isLibrary, "", "").extensionName();
    } catch (SpecException e) {
      throw new ApiError(404, e.getMessage());
    }
    try {
      downloader.download(extension, remote);
    } catch (ApiError e) {
      throw e;
    } catch (Exception e) {
      throw new ApiError(500, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    request.respondEmpty(200);
  }

  private static boolean isLibrary(String value) {
    if (value == null) {
      return false;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ApiError(
        400,
        "failed to deserialize query string: is_library: provided string was not `true` or"
            + " `false`");
  }
}
