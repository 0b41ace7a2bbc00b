package computectl.extension;

import computectl.spec.RemoteExtSpec;

/**
 * Fetches one remote extension archive and installs its files (behaviour.md 12.2); implemented
 * outside the HTTP layer. Must return only when the extension's files are in place, and must
 * de-duplicate concurrent requests for the same archive itself.
 */
@FunctionalInterface
public interface ExtensionDownloader {
  /**
   * @param extension the real extension name, as computectl.spec.RemoteExtSpec#resolve resolved it
   * @throws Exception any failure; its message becomes the 500 error text
   */
  void download(String extension, RemoteExtSpec spec) throws Exception;
}
