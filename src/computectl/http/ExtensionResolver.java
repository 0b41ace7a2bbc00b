package computectl.http;

import computectl.spec.RemoteExtSpec;
import java.util.List;

/**
 * Maps the name the neon extension asks for to the extension whose archive holds it (reference
 * 14.2). A pure function of the spec, shared by the route and by start-up preloading.
 */
public final class ExtensionResolver {
  private ExtensionResolver() {}

  /** Why a name cannot be served; the route answers 404 with this text. */
  public static final class NotFound extends Exception {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }

  /**
   * The real extension name for {@code name}. For a library, everything from the first
   * {@code .so} on is dropped and the rest looked up in {@code library_index}.
   */
  public static String resolve(String name, boolean isLibrary, RemoteExtSpec spec) throws NotFound {
    String ext = name;
    if (isLibrary) {
      int so = name.indexOf(".so");
      String libName = so < 0 ? name : name.substring(0, so);
      ext = spec.libraryIndex().get(libName);
      if (ext == null) {
        throw new NotFound("library " + libName + " is not found");
      }
    }
    // Like upstream, only a name missing from BOTH lists, when both lists exist, is refused.
    if (missingFrom(spec.publicExtensions(), ext) && missingFrom(spec.customExtensions(), ext)) {
      throw new NotFound("extension " + ext + " is not found");
    }
    if (!spec.extensionData().containsKey(ext)) {
      throw new NotFound("real_ext_name " + ext + " is not found");
    }
    return ext;
  }

  private static boolean missingFrom(List<String> list, String ext) {
    return list != null && !list.contains(ext);
  }
}
