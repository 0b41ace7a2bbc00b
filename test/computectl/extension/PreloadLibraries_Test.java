package computectl.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.spec.ComputeSpec;
import computectl.spec.SpecParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreloadLibraries_Test {
  private static final Map<String, String> INDEX =
      Map.of("a", "ea", "b", "eb", "c", "ec", "neon", "neon");

  private static ComputeSpec spec(String settings, String postgresqlConf) {
    String conf =
        postgresqlConf == null
            ? ""
            : ",\"postgresql_conf\":\"" + postgresqlConf.replace("\n", "\\n") + "\"";
    return SpecParser.parseSpec(
        "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[],\"settings\":["
            + settings
            + "]"
            + conf
            + "},\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\","
            + "\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\","
            + "\"pageserver_connstring\":\"postgresql://no_user@127.0.0.1:6400\",\"safekeeper_connstrings\":[\"x\"]}");
  }

  private static String setting(String value) {
    return "{\"name\":\"shared_preload_libraries\",\"value\":\""
        + value
        + "\",\"vartype\":\"string\"}";
  }

  @Test
  void names_setting_splitsOnCommaQuoteAndSpaceWithoutNeon() {
    assertEquals(
        List.of("a", "b", "c"),
        PreloadLibraries.names(spec(setting("neon, a,'b' c"), null), INDEX));
  }

  @Test
  void names_unindexedLibraries_areLeftToLocalFiles() {
    assertEquals(
        List.of("a"),
        PreloadLibraries.names(spec(setting("pg_stat_statements,a,auto_explain"), null), INDEX));
  }

  @Test
  void names_postgresqlConf_usesTheLastMatchingLine() {
    ComputeSpec spec =
        spec(
            setting("a"),
            "shared_preload_libraries='b'\nmax_connections=10\n"
                + "shared_preload_libraries='neon,c'\n # shared_preload_libraries='b'");

    assertEquals(List.of("a", "c"), PreloadLibraries.names(spec, INDEX));
  }

  @Test
  void names_confLineWithoutQuotedValue_addsNothing() {
    assertEquals(
        List.of(), PreloadLibraries.names(spec("", "shared_preload_libraries = 'a'"), INDEX));
  }

  @Test
  void names_sameLibraryTwice_staysTwice() {
    assertEquals(
        List.of("a", "a"),
        PreloadLibraries.names(spec(setting("a"), "shared_preload_libraries='a'"), INDEX));
  }
}
