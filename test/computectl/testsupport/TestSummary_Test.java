package computectl.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary line of {@code make test}, read from reports in the console launcher's format. */
class TestSummary_Test {
  /** One case of each outcome, as JUnit 1.14's legacy XML reporter writes them. */
  private static final String REPORT =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          + "<testsuite name=\"JUnit Jupiter\" tests=\"6\" skipped=\"2\" failures=\"1\""
          + " errors=\"1\">\n"
          + "<testcase name=\"aborted()\" classname=\"x.S_Test\" time=\"0.014\">\n"
          + "<skipped><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: no zstd\n"
          + "\tat org.junit.jupiter.api.Assumptions.assumeTrue(Assumptions.java:1)\n"
          + "]]></skipped>\n"
          + "</testcase>\n"
          + "<testcase name=\"bad()\" classname=\"x.S_Test\" time=\"0.002\">\n"
          + "<failure message=\"boom\" type=\"org.opentest4j.AssertionFailedError\">"
          + "<![CDATA[org.opentest4j.AssertionFailedError: boom\n]]></failure>\n"
          + "</testcase>\n"
          + "<testcase name=\"a()\" classname=\"x.B_Test\" time=\"0\">\n"
          + "<error message=\"no pg\" type=\"java.lang.IllegalStateException\">"
          + "<![CDATA[java.lang.IllegalStateException: no pg\n]]></error>\n"
          + "</testcase>\n"
          + "<testcase name=\"ok()\" classname=\"x.S_Test\" time=\"0\">\n"
          + "<system-out><![CDATA[\ndisplay-name: ok()\n]]></system-out>\n"
          + "</testcase>\n"
          + "<testcase name=\"ok2()\" classname=\"x.S_Test\" time=\"0\"/>\n"
          + "<testcase name=\"dis()\" classname=\"x.S_Test\" time=\"0\">\n"
          + "<skipped><![CDATA[not today]]></skipped>\n"
          + "</testcase>\n"
          + "</testsuite>\n";

  @Test
  void parse_countsEachOutcomeAndNamesTheSkipped() throws Exception {
    TestSummary.Counts c =
        TestSummary.parse(new ByteArrayInputStream(REPORT.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        List.of("x.S_Test.aborted(): Assumption failed: no zstd", "x.S_Test.dis(): not today"),
        c.skipped());
    assertEquals("2 passed, 2 failed, 2 skipped", c.line());
  }

  @Test
  void read_addsUpEveryReportOfTheDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("TEST-junit-jupiter.xml"), REPORT);
    Files.writeString(
        dir.resolve("TEST-junit-vintage.xml"),
        "<testsuite><testcase name=\"t\" classname=\"y.V\"/></testsuite>");
    Files.writeString(dir.resolve("other.xml"), "not a report");
    assertEquals("3 passed, 2 failed, 2 skipped", TestSummary.read(dir).line());
  }

  @Test
  void read_noReportsIsNothing(@TempDir Path dir) throws Exception {
    assertEquals("0 passed, 0 failed, 0 skipped", TestSummary.read(dir).line());
    assertEquals("0 passed, 0 failed, 0 skipped", TestSummary.read(dir.resolve("none")).line());
  }

  @Test
  void read_brokenReportNamesTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("TEST-junit-jupiter.xml"), "<testsuite><testcase");
    IOException e = assertThrows(IOException.class, () -> TestSummary.read(dir));
    assertTrue(
        e.getMessage()
            .startsWith("unreadable JUnit report " + dir.resolve("TEST-junit-jupiter.xml")),
        e.getMessage());
  }

  @Test
  void launcherStatus_redRunWithoutFailedTestCountsOne() {
    TestSummary.Counts green = new TestSummary.Counts(5, 0, List.of());
    assertEquals("5 passed, 0 failed, 0 skipped", TestSummary.withLauncherStatus(green, 0).line());
    assertEquals("5 passed, 1 failed, 0 skipped", TestSummary.withLauncherStatus(green, 1).line());
    TestSummary.Counts red = new TestSummary.Counts(5, 2, List.of());
    assertEquals("5 passed, 2 failed, 0 skipped", TestSummary.withLauncherStatus(red, 1).line());
  }
}
