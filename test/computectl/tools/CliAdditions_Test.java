package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.cli.Args;
import computectl.cli.ArgsParser;
import computectl.cli.Usage;
import computectl.cli.UsageException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flags and help text we add to compute_ctl's command line (docs/upstream.md). */
class CliAdditions_Test {
  private static final String[] REQUIRED = {
    "-D",
    "/pgdata",
    "-C",
    "postgresql://cloud_admin@localhost:5432/postgres",
    "-i",
    "c1",
    "-S",
    "/spec.json"
  };

  private static Args parse(String... extra) {
    String[] argv = new String[REQUIRED.length + extra.length];
    System.arraycopy(REQUIRED, 0, argv, 0, REQUIRED.length);
    System.arraycopy(extra, 0, argv, REQUIRED.length, extra.length);
    return ArgsParser.parse(argv, Map.of());
  }

  @Test
  void logFormat_defaultsToTextAndAcceptsJson() {
    assertEquals("text", parse().logFormat());
    assertEquals("json", parse("--log-format", "json").logFormat());
    assertEquals("json", parse("--log-format=json").logFormat());
  }

  @Test
  void logFormat_refusesOtherValues() {
    UsageException e = assertThrows(UsageException.class, () -> parse("--log-format", "xml"));
    assertEquals(
        "invalid value 'xml' for '--log-format <FORMAT>': expected text or json", e.getMessage());
  }

  @Test
  void basebackupFile_isOptional() {
    assertNull(parse().basebackupFile());
    assertEquals("/tmp/bb.tar.gz", parse("--basebackup-file", "/tmp/bb.tar.gz").basebackupFile());
  }

  @Test
  void help_listsTheNewFlagsAndTheTools() {
    String text = Usage.text();
    assertTrue(text.contains("    --basebackup-file <PATH>\n"), text);
    assertTrue(text.contains("    --log-format <FORMAT>\n"), text);
    assertTrue(text.contains("[default: text]"), text);
    for (String tool : new String[] {"plan", "check-spec", "debug-bundle"}) {
      assertTrue(text.contains("\n  " + tool + " "), tool);
      assertTrue(Tools.isSubcommand(tool), tool);
    }
  }

  @Test
  void tools_haveTheirOwnHelp() {
    for (String tool : new String[] {"plan", "check-spec", "debug-bundle"}) {
      ToolRun r = ToolRun.of(tool, "--help");
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().startsWith("Usage: compute_ctl " + tool + " "), r.out());
    }
  }

  @Test
  void tools_refuseUnknownArguments() {
    ToolRun r = ToolRun.of("plan", "--bogus");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("unexpected argument '--bogus' found"), r.toString());
  }
}
