package computectl.spec;

import java.util.List;
import java.util.Map;

/** {@code remote_extensions} (reference 5.8). The two lists are null when absent. */
public record RemoteExtSpec(
    List<String> publicExtensions,
    List<String> customExtensions,
    Map<String, String> libraryIndex,
    Map<String, ExtensionData> extensionData) {

  public RemoteExtSpec {
    publicExtensions = publicExtensions == null ? null : List.copyOf(publicExtensions);
    customExtensions = customExtensions == null ? null : List.copyOf(customExtensions);
    libraryIndex = Maps.orderedCopy(libraryIndex);
    extensionData = Maps.orderedCopy(extensionData);
  }

  /** One extension's control files (file name to content) and its (ignored) archive path. */
  public record ExtensionData(Map<String, String> controlData, String archivePath) {
    public ExtensionData {
      controlData = Maps.orderedCopy(controlData);
    }
  }
}
