package computectl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Usage_Test {
  @Test
  void text_listsEveryFlagWithValueNameEnvAndDefault() {
    String text = Usage.text();
    for (Flag f : Flag.values()) {
      String names =
          (f.shortName() != 0 ? "-" + f.shortName() + ", " : "    ") + f.display() + "\n";
      assertTrue(text.contains(names), names);
      if (f.defaultValue() != null) {
        assertTrue(text.contains("[default: " + f.defaultValue() + "]"), f.longName());
      }
    }
    assertTrue(text.contains("-b, --pgbin <PGBIN>\n"));
    assertTrue(text.contains("[env: POSTGRES_PATH]"));
    assertTrue(text.contains("-p, --control-plane-uri <CONTROL_PLANE_API_BASE_URL>\n"));
    assertTrue(text.contains("    --resize-swap-on-bind\n"));
    assertTrue(text.contains("[default: 3080]"));
    assertTrue(text.contains("[default: 3081]"));
  }

  @Test
  void line_namesTheRequiredFlags() {
    assertEquals(
        "Usage: compute_ctl [OPTIONS] --pgdata <DATADIR> --connstr <DATABASE_URL> --compute-id"
            + " <COMPUTE_ID>",
        Usage.line());
  }

  @Test
  void flagTable_matchesUpstreamNames() {
    assertEquals(19, Flag.values().length); // upstream's 17 plus --basebackup-file and --log-format
    assertEquals("--connstr <DATABASE_URL>", Flag.CONNSTR.display());
    assertEquals("--pgdata <DATADIR>", Flag.PGDATA.display());
    assertEquals('S', Flag.SPEC_PATH.shortName());
    assertEquals('s', Flag.SPEC.shortName());
    assertEquals("POSTGRES_PATH", Flag.PGBIN.env());
  }
}
