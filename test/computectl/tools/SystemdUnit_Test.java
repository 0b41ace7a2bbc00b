package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd: the unit's policy choices, its environment file, and systemd's own verdict on it.
 */
@Tag("e2e")
class SystemdUnit_Test {
  private static final Path UNIT =
      Fixtures.projectRoot().resolve("deploy/systemd/compute_ctl.service");
  private static final Path ENV = Fixtures.projectRoot().resolve("deploy/systemd/compute_ctl.env");

  @TempDir Path dir;

  /** Directive to value, last one winning as in systemd (comments and sections left out). */
  private static Map<String, String> directives(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String t = line.trim();
      int eq = t.indexOf('=');
      if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith("[") && eq > 0) {
        out.put(t.substring(0, eq), t.substring(eq + 1));
      }
    }
    return out;
  }

  @Test
  void unit_runsAsPostgresAndNeverRestartsAfterACleanExit() throws IOException {
    Map<String, String> d = directives(UNIT);
    assertEquals("postgres", d.get("User"));
    assertEquals(
        "on-abnormal",
        d.get("Restart"),
        "exit 0 after /terminate and exit 1 after a failed start stay down");
    assertTrue(
        !d.containsKey("SuccessExitStatus") && !d.containsKey("RestartForceExitStatus"),
        d.toString());
  }

  @Test
  void unit_stopsWithAFastPostgresShutdown() throws IOException {
    Map<String, String> d = directives(UNIT);
    assertEquals(
        "mixed", d.get("KillMode"), "SIGTERM to compute_ctl only; it stops Postgres itself");
    assertEquals("SIGTERM", d.get("KillSignal"));
    long stop = Long.parseLong(d.get("TimeoutStopSec").replace("s", ""));
    assertTrue(
        stop > 70,
        "longer than compute_ctl's 60 s wait for Postgres plus 10 s after SIGQUIT: " + stop);
  }

  @Test
  void unit_isHardened() throws IOException {
    Map<String, String> d = directives(UNIT);
    assertEquals("yes", d.get("NoNewPrivileges"));
    assertEquals("strict", d.get("ProtectSystem"));
    assertEquals("yes", d.get("PrivateTmp"));
    assertEquals("/var/db/postgres", d.get("ReadWritePaths"));
    assertEquals("", d.get("CapabilityBoundingSet"));
    assertTrue(!d.containsKey("MemoryDenyWriteExecute"), "the JIT needs writable code pages");
  }

  @Test
  void envFile_definesEveryVariableTheUnitUses() throws IOException {
    Map<String, String> env = directives(ENV);
    Matcher m = Pattern.compile("\\$\\{?([A-Z_]+)\\}?").matcher(directives(UNIT).get("ExecStart"));
    int n = 0;
    while (m.find()) {
      assertTrue(env.containsKey(m.group(1)), m.group(1) + " is set in " + ENV);
      n++;
    }
    assertEquals(4, n);
    assertTrue(env.get("COMPUTE_CTL_ARGS").contains("--spec-path"), "one spec source");
  }

  /**
   * systemd-analyze verify exits 0 even for directives it ignores, so its output must be empty too.
   */
  @Test
  void unit_passesSystemdAnalyzeVerify() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))
            || Files.isExecutable(Path.of("/bin/systemd-analyze")),
        "skipped: systemd-analyze is not installed");
    Path image = Path.of(System.getProperty("computectl.image", "build/image")).toAbsolutePath();
    // verify checks that ExecStart exists: point it at the image built by this run.
    Path unit = dir.resolve("compute_ctl.service");
    Files.writeString(unit, Files.readString(UNIT).replace("/opt/compute_ctl", image.toString()));
    String out = run(List.of("systemd-analyze", "verify", unit.toString()));
    assertEquals("exit 0\n", out);
    String security = run(List.of("systemd-analyze", "security", "--offline=yes", unit.toString()));
    Matcher m =
        Pattern.compile("Overall exposure level for compute_ctl.service: ([0-9.]+)")
            .matcher(security);
    assertTrue(m.find(), security);
    assertTrue(Double.parseDouble(m.group(1)) < 3.0, "exposure " + m.group(1) + "\n" + security);
  }

  @Test
  void verifyCheck_failsOnAnIgnoredDirective() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "skipped: systemd-analyze is not installed");
    Path unit = dir.resolve("broken.service");
    Files.writeString(
        unit,
        Files.readString(UNIT)
            .replace(
                "/opt/compute_ctl",
                Path.of(System.getProperty("computectl.image", "build/image"))
                    .toAbsolutePath()
                    .toString())
            .replace("KillMode=mixed", "KillMode=bogus"));
    String out = run(List.of("systemd-analyze", "verify", unit.toString()));
    assertTrue(out.contains("Failed to parse kill mode"), out);
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze finished");
    return out + "exit " + p.exitValue() + "\n";
  }
}
