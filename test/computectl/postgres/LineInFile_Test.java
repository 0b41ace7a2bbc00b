package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LineInFile_Test {
  private Path dir;

  @BeforeEach
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("lineinfile-");
  }

  @AfterEach
  void removeDir() {
    PgData.deleteTree(dir);
  }

  @Test
  void ensure_existingLineChangesNothing() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "line1\nline2.1\t line2.2\nline3");
    assertFalse(LineInFile.ensure(f, "line2.1\t line2.2"));
    assertEquals("line1\nline2.1\t line2.2\nline3", Files.readString(f));
  }

  @Test
  void ensure_newLineIsAppendedAfterOneNewline() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "line1\nline2.1\t line2.2\nline3");
    assertTrue(LineInFile.ensure(f, "line4"));
    assertEquals("line1\nline2.1\t line2.2\nline3\nline4", Files.readString(f));
    assertFalse(LineInFile.ensure(f, "line4"));
  }

  @Test
  void ensure_missingFileGetsExactlyTheLine() throws Exception {
    Path f = dir.resolve("new");
    assertTrue(LineInFile.ensure(f, "line4"));
    assertEquals("line4", Files.readString(f));
  }

  @Test
  void ensure_fileEndingInNewlineGetsAnEmptyLineBeforeTheNewOne() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "a\n");
    assertTrue(LineInFile.ensure(f, "b"));
    assertEquals("a\n\nb", Files.readString(f));
  }

  @Test
  void ensure_emptyFileHasNoLines() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "");
    assertTrue(LineInFile.ensure(f, "b"));
    assertEquals("b", Files.readString(f));
  }

  @Test
  void ensure_matchesLinesEndingInCrLf() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "a\r\nb\r\n");
    assertFalse(LineInFile.ensure(f, "b"));
  }

  @Test
  void ensure_missingDirectoryIsAClearError() {
    PgException e =
        assertThrows(PgException.class, () -> LineInFile.ensure(dir.resolve("no/such"), "x"));
    assertTrue(
        e.getMessage().startsWith("could not add a line to " + dir.resolve("no/such")),
        e.getMessage());
  }
}
