package computectl.spec;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code remote_extensions} (behaviour.md 3.3). The two lists are null when absent. */
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

  private static final Pattern LIBRARY_SUFFIX = Pattern.compile("\\.so.*");

  /**
   * A resolved request: the extension that provides it and its archive's path on the extension
   * proxy.
   */
  public record Resolved(String extensionName, String archivePath) {}

  /**
   * Upstream's resolution of an extension (or, with {@code isLibrary}, a library such as {@code
   * postgis-3.so}) to its archive {@code <buildTag>/<pgMajorVersion>/extensions/<ext>.tar.zst}
   * (behaviour.md 12.2). The spec's own {@code archive_path} is ignored, as upstream.
   *
   * @param pgMajorVersion {@code v14} to {@code v17}
   * @throws SpecException (kind VALIDATION) {@code library <name> is not found}, {@code extension
   *     <name> is not found} or {@code real_ext_name <name> is not found}
   */
  public Resolved resolve(String name, boolean isLibrary, String buildTag, String pgMajorVersion) {
    String ext = name;
    if (isLibrary) {
      String library = LIBRARY_SUFFIX.matcher(name).replaceFirst("");
      ext = libraryIndex.get(library);
      if (ext == null) {
        throw notFound("library " + library + " is not found");
      }
    }
    if (!contains(publicExtensions, ext) && !contains(customExtensions, ext)) {
      throw notFound("extension " + ext + " is not found");
    }
    if (!extensionData.containsKey(ext)) {
      throw notFound("real_ext_name " + ext + " is not found");
    }
    return new Resolved(ext, buildTag + "/" + pgMajorVersion + "/extensions/" + ext + ".tar.zst");
  }

  private static boolean contains(List<String> list, String ext) {
    return list != null && list.contains(ext);
  }

  private static SpecException notFound(String message) {
    return new SpecException(SpecException.Kind.VALIDATION, message);
  }

  /** One extension's control files (file name to content) and its (ignored) archive path. */
  public record ExtensionData(Map<String, String> controlData, String archivePath) {
    public ExtensionData {
      controlData = Maps.orderedCopy(controlData);
    }
  }
}
