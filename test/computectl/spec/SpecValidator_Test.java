package computectl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidator_Test {
  private static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  private static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";

  /**
   * A spec with the given top-level members and {@code cluster.settings} entries (name, value
   * pairs).
   */
  private static ComputeSpec spec(String topLevel, String... settings) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < settings.length; i += 2) {
      s.append(s.length() == 0 ? "" : ", ")
          .append("{\"name\": \"")
          .append(settings[i])
          .append("\", \"value\": \"")
          .append(settings[i + 1])
          .append("\", \"vartype\": \"string\"}");
    }
    return SpecParser.parseSpec(
        "{\"format_version\": 1, "
            + topLevel
            + (topLevel.isEmpty() ? "" : ", ")
            + "\"cluster\": {\"roles\": [], \"databases\": [], \"settings\": ["
            + s
            + "]}}");
  }

  private static void assertInvalid(String message, ComputeSpec spec) {
    assertInvalid(null, message, spec);
  }

  private static void assertInvalid(String path, String message, ComputeSpec spec) {
    SpecException e = assertThrows(SpecException.class, () -> SpecValidator.validate(spec));
    assertEquals(message, e.getMessage());
    assertEquals(SpecException.Kind.VALIDATION, e.kind());
    if (path != null) {
      assertEquals(path, e.path());
    }
  }

  @Test
  void validate_namesTheJsonPathOfTheFieldConcerned() {
    assertInvalid("pageserver_connstring", "pageserver connstr should be provided", spec(""));
    assertInvalid(
        "safekeeper_connstrings",
        "safekeeper connstrings should be provided",
        spec("\"pageserver_connstring\": \"p\""));
    assertInvalid(
        "tenant_id",
        "tenant id should be provided",
        spec("\"pageserver_connstring\": \"p\", \"safekeeper_connstrings\": [\"s\"]"));
    assertInvalid(
        "cluster.settings[2].value",
        "invalid tenant id",
        spec(
            "\"pageserver_connstring\": \"p\"",
            "neon.safekeepers",
            "s",
            "other",
            "x",
            "neon.tenant_id",
            "xyz",
            "neon.tenant_id",
            TENANT));
  }

  @Test
  void validate_resolvesTheFixtureFromItsSettings() {
    ComputeSpec spec = SpecParser_Test.fixture(SpecParser_Test.API_SPEC);
    ParsedSpec p = SpecValidator.validate(spec);
    assertEquals("host=127.0.0.1 port=6400", p.pageserverConnstr());
    assertEquals(
        List.of("127.0.0.1:6502", "127.0.0.1:6503", "127.0.0.1:6501"), p.safekeeperConnstrings());
    assertEquals(TENANT, p.tenantId());
    assertEquals(TIMELINE, p.timelineId());
    assertEquals(spec, p.spec());
  }

  @Test
  void validate_acceptsTheDuplicateSafekeeperOfTheToolsFixture() {
    ParsedSpec p = SpecValidator.validate(SpecParser_Test.fixture(SpecParser_Test.TOOLS_SPEC));
    assertEquals(
        List.of("127.0.0.1:6502", "127.0.0.1:6503", "127.0.0.1:6501", "127.0.0.1:6502"),
        p.safekeeperConnstrings());
  }

  @Test
  void validate_prefersTopLevelFieldsOverSettings() {
    ParsedSpec p =
        SpecValidator.validate(
            spec(
                "\"pageserver_connstring\": \"host=ps\", \"safekeeper_connstrings\": [\"sk:1\"],"
                    + " \"tenant_id\": \""
                    + TENANT.toUpperCase()
                    + "\", \"timeline_id\": \""
                    + TIMELINE
                    + "\"",
                "neon.pageserver_connstring",
                "host=other",
                "neon.safekeepers",
                "x:1",
                "neon.tenant_id",
                "bad",
                "neon.timeline_id",
                "bad"));
    assertEquals("host=ps", p.pageserverConnstr());
    assertEquals(List.of("sk:1"), p.safekeeperConnstrings());
    assertEquals(TENANT, p.tenantId());
    assertEquals(TIMELINE, p.timelineId());
  }

  @Test
  void validate_reportsTheFirstProblemInUpstreamOrder() {
    assertInvalid("pageserver connstr should be provided", spec(""));
    assertInvalid(
        "safekeeper connstrings should be provided", spec("\"pageserver_connstring\": \"p\""));
    assertInvalid(
        "tenant id should be provided",
        spec("\"pageserver_connstring\": \"p\", \"safekeeper_connstrings\": [\"s\"]"));
    assertInvalid(
        "invalid tenant id",
        spec("\"pageserver_connstring\": \"p\"", "neon.safekeepers", "s", "neon.tenant_id", "xyz"));
    assertInvalid(
        "timeline id should be provided",
        spec(
            "\"pageserver_connstring\": \"p\", \"safekeeper_connstrings\": [\"s\"],"
                + " \"tenant_id\": \""
                + TENANT
                + "\""));
    assertInvalid(
        "invalid timeline id",
        spec(
            "\"pageserver_connstring\": \"p\", \"safekeeper_connstrings\": [\"s\"]",
            "neon.tenant_id",
            TENANT,
            "neon.timeline_id",
            TIMELINE + "0"));
  }

  @Test
  void validate_givesReadOnlyModesNoSafekeepers() {
    for (String mode : List.of("\"Replica\"", "{\"Static\": \"0/1\"}")) {
      ParsedSpec p =
          SpecValidator.validate(
              spec(
                  "\"mode\": " + mode,
                  "neon.pageserver_connstring",
                  "p",
                  "neon.safekeepers",
                  "a:1",
                  "neon.tenant_id",
                  TENANT,
                  "neon.timeline_id",
                  TIMELINE));
      assertEquals(List.of(), p.safekeeperConnstrings());
    }
  }

  @Test
  void validate_splitsTheSafekeeperSettingWithoutTrimming() {
    ParsedSpec p =
        SpecValidator.validate(
            spec(
                "",
                "neon.pageserver_connstring",
                "p",
                "neon.safekeepers",
                "a:1, b:2,,c:3,",
                "neon.tenant_id",
                TENANT.toUpperCase(),
                "neon.timeline_id",
                TIMELINE));
    assertEquals(List.of("a:1", " b:2", "", "c:3", ""), p.safekeeperConnstrings());
    assertEquals(TENANT, p.tenantId());
  }

  @Test
  void validate_treatsANullSettingValueAsMissing() {
    ComputeSpec s =
        SpecParser.parseSpec(
            "{\"format_version\": 1, \"cluster\": {\"roles\": [], \"databases\": [], \"settings\":"
                + " [{\"name\": \"neon.pageserver_connstring\", \"value\": null, \"vartype\":"
                + " \"string\"}]}}");
    assertInvalid("pageserver connstr should be provided", s);
  }
}
