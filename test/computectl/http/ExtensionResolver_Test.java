package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.spec.RemoteExtSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtensionResolver_Test {
  static final RemoteExtSpec.ExtensionData DATA = new RemoteExtSpec.ExtensionData(Map.of("x.control", "c"), "ignored");

  static RemoteExtSpec spec(List<String> pub, List<String> custom) {
    return new RemoteExtSpec(pub, custom, Map.of("postgis-3", "postgis", "anon", "anon", "ghost", "ghost"),
        Map.of("postgis", DATA, "anon", DATA));
  }

  @Test
  void resolve_extensionNameIsUsedAsIs() throws Exception {
    assertEquals("postgis", ExtensionResolver.resolve("postgis", false, spec(List.of("postgis"), null)));
  }

  @Test
  void resolve_libraryDropsEverythingFromSoAndUsesTheIndex() throws Exception {
    RemoteExtSpec s = spec(List.of("postgis"), List.of("anon"));
    assertEquals("postgis", ExtensionResolver.resolve("postgis-3.so", true, s));
    assertEquals("postgis", ExtensionResolver.resolve("postgis-3.so.1.2", true, s));
    assertEquals("anon", ExtensionResolver.resolve("anon", true, s));
  }

  @Test
  void resolve_unknownLibraryIsNotFound() {
    ExtensionResolver.NotFound e = assertThrows(ExtensionResolver.NotFound.class,
        () -> ExtensionResolver.resolve("nolib.so", true, spec(null, null)));
    assertEquals("library nolib is not found", e.getMessage());
  }

  @Test
  void resolve_extensionMissingFromBothListsIsNotFound() {
    ExtensionResolver.NotFound e = assertThrows(ExtensionResolver.NotFound.class,
        () -> ExtensionResolver.resolve("anon", false, spec(List.of("postgis"), List.of())));
    assertEquals("extension anon is not found", e.getMessage());
  }

  @Test
  void resolve_anAbsentListDoesNotRestrict() throws Exception {
    assertEquals("anon", ExtensionResolver.resolve("anon", false, spec(List.of("postgis"), null)));
    assertEquals("anon", ExtensionResolver.resolve("anon", false, spec(null, List.of())));
  }

  @Test
  void resolve_extensionWithoutDataIsNotFound() {
    ExtensionResolver.NotFound e = assertThrows(ExtensionResolver.NotFound.class,
        () -> ExtensionResolver.resolve("ghost", true, spec(null, null)));
    assertEquals("real_ext_name ghost is not found", e.getMessage());
  }
}
