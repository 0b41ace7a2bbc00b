package computectl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the project's documentation self-contained: every section of {@code docs/behaviour.md} that
 * the code cites exists, and nothing in {@code src/}, {@code test/}, README or {@code docs/} points
 * at a document outside the repository or at an issue number.
 */
class BehaviourDoc_Test {
  private static final Path ROOT = Fixtures.projectRoot();

  /**
   * A citation: {@code behaviour.md} and a section list such as {@code 5.1 steps 8 to 14, 12.2}.
   */
  private static final Pattern CITATION =
      Pattern.compile("behaviour\\.md\\s+(?:\\*\\s+)?((?:\\d+(?:\\.\\d+)*)(?:[^)\\n]*))");

  private static final Pattern SECTION_NUMBER = Pattern.compile("(?<![\\w.])\\d+(?:\\.\\d+)*");

  /** What must not appear: another checkout's documents, and issue numbers. */
  private static final Pattern OUTSIDE =
      Pattern.compile("\\.\\./shared|shared/[r]eference|[Ii]ssue [0-9]|(?<![A-Za-z])#[0-9]+");

  @Test
  void citations_nameExistingSections() throws IOException {
    Set<String> sections = sections(Files.readString(ROOT.resolve("docs/behaviour.md")));
    List<String> missing = new ArrayList<>();
    int citations = 0;
    for (Path f : files("src", "test")) {
      String text = Files.readString(f);
      Matcher m = CITATION.matcher(text);
      while (m.find()) {
        citations++;
        for (String number : cited(m.group(1))) {
          if (!sections.contains(number)) {
            missing.add(ROOT.relativize(f) + ": behaviour.md " + number);
          }
        }
      }
    }
    assertTrue(citations > 50, "the code cites behaviour.md (found " + citations + " citations)");
    assertEquals(List.of(), missing, "citations of sections behaviour.md does not have");
  }

  /** Lines allowed to match {@link #OUTSIDE}: this test's own pattern. */
  private static final Set<String> KNOWN = Set.of("test/computectl/docs/BehaviourDoc_Test.java");

  @Test
  void nothingPointsOutsideTheRepository() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> all = files("src", "test", "docs");
    all.add(ROOT.resolve("README.md"));
    for (Path f : all) {
      if (KNOWN.contains(ROOT.relativize(f).toString())) {
        continue;
      }
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = OUTSIDE.matcher(lines.get(i));
        if (m.find()) {
          found.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), found, "references to what a user of the repository does not have");
  }

  @Test
  void cited_readsSectionNumbersAndNotStepNumbers() {
    assertEquals(List.of("5.1"), cited("5.1 steps 8 to 14): wait"));
    assertEquals(List.of("5.2"), cited("5.2 step 3a), then"));
    assertEquals(List.of("9.1", "9.4"), cited("9.1 to 9.4): request id"));
    assertEquals(List.of("5.2", "12.8"), cited("5.2 step 6, 12.8): with"));
    assertEquals(List.of("7", "9.5"), cited("7 and 9.5): hands"));
  }

  /** The numbers of a citation, leaving out the steps, items and checks it names within one. */
  static List<String> cited(String list) {
    String withoutSteps =
        list.replaceAll("\\b(?:steps?|items?|checks?)\\s+\\d+[a-z]?(?:\\s+to\\s+\\d+[a-z]?)?", "");
    List<String> out = new ArrayList<>();
    Matcher n = SECTION_NUMBER.matcher(withoutSteps);
    while (n.find()) {
      out.add(n.group());
    }
    return out;
  }

  /**
   * The numbers of the document's headings: {@code ## 5. Start} gives 5, {@code ### 5.3 ...} 5.3.
   */
  private static Set<String> sections(String doc) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^#{2,4} (\\d+(?:\\.\\d+)*)\\.? ").matcher(doc);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The text files under the given directories of the checkout, build output left out. */
  private static List<Path> files(String... dirs) {
    List<Path> out = new ArrayList<>();
    for (String d : dirs) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(d))) {
        s.filter(Files::isRegularFile)
            .filter(p -> p.toString().matches(".*\\.(java|md|sh|json|sql|txt)$"))
            .forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
