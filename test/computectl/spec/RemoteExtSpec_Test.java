package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The remote-extension resolution cases of upstream's compute_api unit tests, as vectors. */
class RemoteExtSpec_Test {
  private static final String EXT_DATA =
      "{\"ext\": {\"control_data\": {\"ext.control\": \"\"}, \"archive_path\": \"\"}}";

  private static RemoteExtSpec remote(
      String publicList, String customList, String libraryIndex, String extensionData) {
    return SpecParser.parseSpec(
            "{\"format_version\": 1, \"cluster\": {\"roles\": [], \"databases\": []},"
                + " \"remote_extensions\": {\"public_extensions\": "
                + publicList
                + ", \"custom_extensions\": "
                + customList
                + ", \"library_index\": "
                + libraryIndex
                + ", \"extension_data\": "
                + extensionData
                + "}}")
        .remoteExtensions();
  }

  private static void assertNotFound(
      String message, RemoteExtSpec r, String name, boolean isLibrary) {
    SpecException e =
        assertThrows(SpecException.class, () -> r.resolve(name, isLibrary, "latest", "v17"));
    assertEquals(message, e.getMessage());
  }

  @Test
  void resolve_findsNothingWhenBothListsAreNull() {
    assertNotFound("extension ext is not found", remote("null", "null", "{}", "{}"), "ext", false);
  }

  @Test
  void resolve_findsNothingWithEmptyPublicAndNullCustom() {
    assertNotFound("extension ext is not found", remote("[]", "null", "{}", "{}"), "ext", false);
  }

  @Test
  void resolve_refusesAnExtensionListedNowhere() {
    assertNotFound(
        "extension ext is not found",
        remote("[]", "[]", "{\"ext\": \"ext\"}", EXT_DATA),
        "ext",
        false);
  }

  @Test
  void resolve_findsACustomExtension() {
    assertEquals(
        new RemoteExtSpec.Resolved("ext", "latest/v17/extensions/ext.tar.zst"),
        remote("[]", "[\"ext\"]", "{\"ext\": \"ext\"}", EXT_DATA)
            .resolve("ext", false, "latest", "v17"));
  }

  @Test
  void resolve_mapsALibraryToItsPublicExtension() {
    RemoteExtSpec r = remote("[\"ext\"]", "[]", "{\"extlib\": \"ext\"}", EXT_DATA);
    assertEquals(
        new RemoteExtSpec.Resolved("ext", "latest/v17/extensions/ext.tar.zst"),
        r.resolve("ext", false, "latest", "v17"));
    assertEquals(
        new RemoteExtSpec.Resolved("ext", "5834/v15/extensions/ext.tar.zst"),
        r.resolve("extlib.so.3", true, "5834", "v15"));
    assertNotFound("library ext is not found", r, "ext.so", true);
  }

  @Test
  void resolve_needsExtensionData() {
    assertNotFound(
        "real_ext_name ext is not found", remote("[\"ext\"]", "null", "{}", "{}"), "ext", false);
  }

  @Test
  void resolve_usesTheFixtureLibraryIndex() {
    RemoteExtSpec r = SpecParser_Test.fixture(SpecParser_Test.API_SPEC).remoteExtensions();
    assertEquals(
        new RemoteExtSpec.Resolved("postgis", "latest/v15/extensions/postgis.tar.zst"),
        r.resolve("postgis-3.so", true, "latest", "v15"));
  }
}
