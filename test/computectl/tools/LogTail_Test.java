package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTail_Test {
  @TempDir Path dir;

  @Test
  void lastLines_oldestFirstWithoutTheUnfinishedLine() throws IOException {
    Path f = Files.writeString(dir.resolve("log"), "one\ntwo\n\nthree\nfour\nstill being writ");
    assertEquals(List.of("three", "four"), LogTail.lastLines(f, 2, l -> true));
    assertEquals(List.of("one", "two", "", "three", "four"), LogTail.lastLines(f, 100, l -> true));
  }

  @Test
  void lastLines_filtersBeforeCounting() throws IOException {
    Path f = Files.writeString(dir.resolve("log"), "PG:a\nx\nPG:b\ny\nPG:c\nz\n");
    assertEquals(List.of("PG:b", "PG:c"), LogTail.lastLines(f, 2, l -> l.startsWith("PG:")));
  }

  @Test
  void lastLines_readsOnlyTheEndOfAHugeFileAndDropsTheCutLine() throws IOException {
    String line = "x".repeat(999);
    int n = (int) (LogTail.MAX_BYTES / 1000) + 50;
    String body =
        IntStream.range(0, n).mapToObj(i -> i + line).collect(Collectors.joining("\n", "", "\n"));
    Path f = Files.writeString(dir.resolve("log"), body);
    List<String> all = LogTail.lastLines(f, Integer.MAX_VALUE, l -> true);
    assertEquals((n - 1) + line, all.get(all.size() - 1));
    // Lines are 1001 to 1005 bytes long: the window holds a little fewer than MAX_BYTES / 1000 of
    // them.
    assertEquals(
        true, all.size() < n && all.size() >= LogTail.MAX_BYTES / 1005 - 1, "size " + all.size());
    assertEquals(true, all.stream().allMatch(l -> l.endsWith(line) && l.length() > line.length()));
  }

  @Test
  void lastLines_emptyFile() throws IOException {
    Path f = Files.writeString(dir.resolve("log"), "");
    assertEquals(List.of(), LogTail.lastLines(f, 10, l -> true));
  }
}
