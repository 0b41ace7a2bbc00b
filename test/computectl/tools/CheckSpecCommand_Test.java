package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckSpecCommand_Test {
  private static final String IDS =
      "\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\","
          + "\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\",\"pageserver_connstring\":\"host=ps\","
          + "\"safekeeper_connstrings\":[\"sk:5454\"],";

  @TempDir Path dir;

  private ToolRun check(String json) throws IOException {
    Path f = dir.resolve("spec.json");
    Files.writeString(f, json);
    return ToolRun.of("check-spec", "--spec-path", f.toString());
  }

  @Test
  void checkSpec_acceptsTheUpstreamSample() throws IOException {
    Path sample = Fixtures.path("specs/compute-spec.json");
    ToolRun r = ToolRun.of("check-spec", "-S", sample.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains(": OK, 0 errors"), r.toString());
  }

  @Test
  void checkSpec_reportsEveryShapeProblemWithItsPath() throws IOException {
    ToolRun r =
        check(
            "{"
                + IDS
                + "\"format_version\":\"one\",\"mode\":\"Sideways\",\"swap_size_bytes\":-5,"
                + "\"cluster\":{\"roles\":[{\"name\":\"ok\"},{\"name\":17},{\"encrypted_password\":\"x\"}],"
                + "\"databases\":[{\"name\":\"db\",\"owner\":\"ok\",\"name\":\"again\"}],"
                + "\"settings\":[{\"name\":\"fsync\",\"value\":false,\"vartype\":\"bool\"}]}}");
    assertEquals(1, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertTrue(
        lines.contains("error: format_version: expected a number, got \"one\""), r.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("error: mode: unknown variant `Sideways`")),
        r.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("error: swap_size_bytes: expected an unsigned")),
        r.toString());
    assertTrue(
        lines.contains("error: cluster.roles[1].name: expected a string, got 17"), r.toString());
    assertTrue(lines.contains("error: cluster.roles[2].name: missing field"), r.toString());
    assertTrue(lines.contains("error: cluster.databases[0].name: duplicate field"), r.toString());
    assertTrue(
        lines.contains("error: cluster.settings[0].value: expected a string, got false"),
        r.toString());
    assertTrue(r.out().contains("invalid, 7 errors, 0 warnings"), r.toString());
  }

  @Test
  void checkSpec_reportsEveryValidationProblem() throws IOException {
    ToolRun r =
        check(
            "{\"format_version\":1,\"cluster\":{\"roles\":[],\"databases\":[],"
                + "\"settings\":[{\"name\":\"neon.tenant_id\",\"value\":\"not-hex\",\"vartype\":\"string\"}]}}");
    assertEquals(1, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertTrue(
        lines.contains("error: pageserver_connstring: pageserver connstr should be provided"),
        r.toString());
    assertTrue(
        lines.contains("error: safekeeper_connstrings: safekeeper connstrings should be provided"),
        r.toString());
    assertTrue(lines.contains("error: cluster.settings[0].value: invalid tenant id"), r.toString());
    assertTrue(lines.contains("error: timeline_id: timeline id should be provided"), r.toString());
  }

  @Test
  void checkSpec_lintsRenamesWithoutNewNameAndRepeatedNames() throws IOException {
    ToolRun r =
        check(
            "{"
                + IDS
                + "\"format_version\":1,\"cluster\":{\"roles\":[{\"name\":\"a\"},{\"name\":\"a\"}],"
                + "\"databases\":[]},\"delta_operations\":[{\"action\":\"rename_role\",\"name\":\"a\"},"
                + "{\"action\":\"explode\",\"name\":\"b\"}]}");
    assertEquals(1, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "error: delta_operations[0].new_name: rename_role needs new_name")),
        r.toString());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "warning: delta_operations[1].action: unknown action \"explode\"")),
        r.toString());
    assertTrue(
        lines.stream()
            .anyMatch(
                l -> l.startsWith("warning: cluster.roles[1].name: role \"a\" is listed again")),
        r.toString());
  }

  @Test
  void checkSpec_warningsAloneStillPass() throws IOException {
    ToolRun r =
        check(
            "{"
                + IDS
                + "\"format_version\":1,\"cluster\":{\"roles\":[{\"name\":\""
                + "n".repeat(70)
                + "\"}],"
                + "\"databases\":[]}}");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("warning: cluster.roles[0].name: role name is 70 bytes"), r.toString());
    assertTrue(r.out().contains("OK, 0 errors, 1 warning"), r.toString());
  }

  @Test
  void checkSpec_syntaxErrorIsTheOnlyProblem() throws IOException {
    ToolRun r = check("{\"format_version\": 1,\n \"cluster\": [}");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().startsWith("error: .: "), r.toString());
    assertTrue(r.out().contains("at line 2 column"), r.toString());
    assertTrue(r.out().contains("1 error,"), r.toString());
  }

  @Test
  void checkSpec_unreadableFileIsTrouble() {
    ToolRun r = ToolRun.of("check-spec", "--spec-path", dir.resolve("nope.json").toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(
        r.err().contains("could not read spec file") && r.err().contains("no such file"),
        r.toString());
  }

  @Test
  void checkSpec_missingArgumentIsAUsageError() {
    ToolRun r = ToolRun.of("check-spec");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("--spec-path <PATH>") && r.err().contains("--help"), r.toString());
  }

  @Test
  void checkSpec_pathsAfterARemovedElementKeepTheDocumentsIndices() throws IOException {
    ToolRun r =
        check(
            "{"
                + IDS
                + "\"format_version\":1,\"cluster\":{\"roles\":[17,\"x\",{\"name\":\"ok\"},{\"name\":[]}],"
                + "\"databases\":[]}}");
    List<String> lines = r.outLines();
    assertTrue(lines.contains("error: cluster.roles[0]: expected an object, got 17"), r.toString());
    assertTrue(
        lines.contains("error: cluster.roles[1]: expected an object, got \"x\""), r.toString());
    assertTrue(
        lines.contains("error: cluster.roles[3].name: expected a string, got an array"),
        r.toString());
    assertTrue(r.out().contains("invalid, 3 errors, 0 warnings"), r.toString());
  }

  @Test
  void checkSpec_keyWithDotsIsFoundAndRepaired() throws IOException {
    ToolRun r =
        check(
            "{"
                + IDS
                + "\"format_version\":1,\"cluster\":{\"roles\":[],\"databases\":[]},"
                + "\"pgbouncer_settings\":{\"a.b[0]\":7,\"ok\":\"x\",\"c\":false}}");
    List<String> lines = r.outLines();
    assertTrue(
        lines.contains("error: pgbouncer_settings.a.b[0]: expected a string, got 7"), r.toString());
    assertTrue(
        lines.contains("error: pgbouncer_settings.c: expected a string, got false"), r.toString());
  }
}
