package computectl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Command;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The command line of the built image's launcher (bin/compute_ctl), run as the Postgres user: exit
 * codes, and which text goes to stdout and which to stderr.
 */
@Tag("e2e")
class BuiltBinary_Test {
  private static Command.Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ComputeCtlProcess.launcher().toString());
    cmd.addAll(List.of(args));
    return Command.asPostgres(cmd, Duration.ofMinutes(2));
  }

  @Test
  void noArguments_printsUsageOnStderrAndExits2() throws Exception {
    Command.Result r = run();
    assertEquals(2, r.exitCode(), r.describe());
    assertEquals("", r.stdout(), r.describe());
    assertTrue(
        r.stderr()
            .contains(
                "the following required arguments were not provided: --pgdata <DATADIR>,"
                    + " --connstr <DATABASE_URL>, --compute-id <COMPUTE_ID>"),
        r.describe());
    assertTrue(r.stderr().contains("For more information, try '--help'."), r.describe());
  }

  @Test
  void noSpecSource_isAUsageErrorWithExit2() throws Exception {
    Command.Result r =
        run(
            "--pgdata",
            "/nonexistent/pgdata",
            "--connstr",
            "postgresql://a@127.0.0.1:1/p",
            "--compute-id",
            "c");
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(
        r.stderr()
            .startsWith(
                "must specify --control-plane-uri <CONTROL_PLANE_API_BASE_URL>, --spec <SPEC> or"
                    + " --spec-path <SPEC_PATH>"),
        r.describe());
  }

  @Test
  void help_printsUsageOnStdoutAndExits0() throws Exception {
    Command.Result r = run("--help");
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(
        r.stdout()
            .contains(
                "Usage: compute_ctl [OPTIONS] --pgdata <DATADIR> --connstr <DATABASE_URL>"
                    + " --compute-id <COMPUTE_ID>"),
        r.describe());
    assertTrue(r.stdout().contains("--pgbin"), r.describe());
    assertEquals("", r.stderr(), r.describe());
  }

  @Test
  void version_printsTheBakedBuildTag() throws Exception {
    Command.Result r = run("--version");
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals("compute_ctl " + ComputeCtlProcess.buildTag() + "\n", r.stdout(), r.describe());
  }

  @Test
  void badPgbin_exits1NamingWhatItCouldNotRun() throws Exception {
    Path dir = TestPg.workDir("computectl-badpgbin-");
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]}}");
    RunAs.chownTree(TestPg.user(), dir);
    Command.Result r =
        run(
            "--pgdata", dir.resolve("pgdata").toString(),
            "--connstr", "postgresql://cloud_admin@127.0.0.1:1/postgres",
            "--pgbin", "/nonexistent/bin/postgres",
            "--compute-id", "c",
            "--spec-path", spec.toString(),
            "--external-http-port", Integer.toString(TestPg.freePort()),
            "--internal-http-port", Integer.toString(TestPg.freePort()));
    assertEquals(1, r.exitCode(), r.describe());
    assertTrue(r.stderr().contains("cannot run /nonexistent/bin/"), r.describe());
    assertFalse(Files.exists(dir.resolve("pgdata").resolve("postmaster.pid")), r.describe());
  }
}
