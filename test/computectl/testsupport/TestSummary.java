package computectl.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The end of {@code make test}: reads the JUnit XML reports of the run ({@code TEST-*.xml} in the
 * console launcher's {@code --reports-dir}) and its exit status, prints every skipped test by name
 * and then the line {@code N passed, M failed, K skipped}; exits 0 only when nothing failed.
 *
 * <p>A launcher that failed while the reports show no failed test (a class that could not be
 * loaded, a container that failed before its tests ran, no report at all) counts as one failure, so
 * the line never reads green over a red run.
 */
public final class TestSummary {
  /** The counts of one run, and the skipped tests as {@code class.method: reason}. */
  public record Counts(int passed, int failed, List<String> skipped) {
    /** The summary line. */
    public String line() {
      return passed + " passed, " + failed + " failed, " + skipped.size() + " skipped";
    }

    Counts plus(Counts o) {
      List<String> all = new ArrayList<>(skipped);
      all.addAll(o.skipped);
      return new Counts(passed + o.passed, failed + o.failed, all);
    }
  }

  private TestSummary() {}

  /** Usage: {@code TestSummary <reports-dir> <launcher exit status>}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: TestSummary <reports-dir> <launcher exit status>");
      System.exit(2);
    }
    Counts counts = read(Path.of(args[0]));
    counts = withLauncherStatus(counts, Integer.parseInt(args[1]));
    for (String s : counts.skipped()) {
      System.out.println("skipped: " + s);
    }
    System.out.println(counts.line());
    System.exit(counts.failed() == 0 ? 0 : 1);
  }

  /** The counts, with one failure added when the launcher failed but no test in them did. */
  static Counts withLauncherStatus(Counts counts, int launcherStatus) {
    if (launcherStatus == 0 || counts.failed() > 0) {
      return counts;
    }
    System.err.println(
        "the JUnit launcher exited with status "
            + launcherStatus
            + " but its reports name no failed test: counted as one failure (see its output)");
    return new Counts(counts.passed(), 1, counts.skipped());
  }

  /** The counts of every {@code TEST-*.xml} report in {@code dir}. */
  public static Counts read(Path dir) throws IOException {
    Counts total = new Counts(0, 0, List.of());
    if (!Files.isDirectory(dir)) {
      return total;
    }
    List<Path> reports = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "TEST-*.xml")) {
      ds.forEach(reports::add);
    }
    reports.sort(null);
    for (Path report : reports) {
      try (InputStream in = Files.newInputStream(report)) {
        total = total.plus(parse(in));
      } catch (IOException | SAXException e) {
        throw new IOException("unreadable JUnit report " + report + ": " + e.getMessage(), e);
      }
    }
    return total;
  }

  /**
   * The counts of one report: each {@code testcase} passed unless it holds a failure, an error
   * (also given to every test of a class whose set-up failed) or a skip.
   */
  static Counts parse(InputStream xml) throws IOException, SAXException {
    NodeList cases;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      cases = f.newDocumentBuilder().parse(xml).getElementsByTagName("testcase");
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
    }
    int passed = 0;
    int failed = 0;
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      if (has(c, "failure") || has(c, "error")) {
        failed++;
      } else if (has(c, "skipped")) {
        String reason = reason(c.getElementsByTagName("skipped").item(0).getTextContent());
        String name = c.getAttribute("classname") + "." + c.getAttribute("name");
        skipped.add(reason.isEmpty() ? name : name + ": " + reason);
      } else {
        passed++;
      }
    }
    return new Counts(passed, failed, skipped);
  }

  /**
   * A skip's reason: a disabled test's text, or the first line of a failed assumption's trace
   * without the exception's class name.
   */
  private static String reason(String text) {
    String first = text.strip().lines().findFirst().orElse("");
    String aborted = "org.opentest4j.TestAbortedException: ";
    return first.startsWith(aborted) ? first.substring(aborted.length()) : first;
  }

  private static boolean has(Element testcase, String child) {
    return testcase.getElementsByTagName(child).getLength() > 0;
  }
}
