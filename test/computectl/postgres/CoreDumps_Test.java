package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoreDumps_Test {
  private Path dir;

  @BeforeEach
  void makeDir() throws Exception {
    dir = Files.createTempDirectory("cores-");
    for (String name : List.of("core", "core.1234", "corefile", "postgresql.conf", "xcore.1")) {
      Files.writeString(dir.resolve(name), "x");
    }
  }

  @AfterEach
  void removeDir() {
    PgData.deleteTree(dir);
  }

  @Test
  void find_matchesCoreAndCoreDotOnly() throws Exception {
    assertEquals(List.of(dir.resolve("core"), dir.resolve("core.1234")), CoreDumps.find(dir));
  }

  @Test
  void report_runsGdbWithPgbinAndCore() throws Exception {
    Path bin = Files.createTempDirectory("debuggers-");
    Path gdb = bin.resolve("gdb");
    Files.writeString(gdb, "#!/bin/sh\necho \"bt of $*\"\necho warning >&2\n");
    Files.setPosixFilePermissions(gdb, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<CoreDumps.Report> reports =
        new CoreDumps(gdb.toString(), "/nonexistent/lldb").report(dir, "/pg/postgres");
    assertEquals(2, reports.size());
    assertEquals(
        "bt of --batch -q -ex bt /pg/postgres " + dir.resolve("core") + "\n",
        reports.get(0).backtrace());
    assertEquals("warning\n", reports.get(0).debuggerStderr());
    PgData.deleteTree(bin);
  }

  @Test
  void report_fallsBackToLldbWhenGdbIsMissing() throws Exception {
    Path bin = Files.createTempDirectory("debuggers-");
    Path lldb = bin.resolve("lldb");
    Files.writeString(lldb, "#!/bin/sh\necho \"lldb $*\"\n");
    Files.setPosixFilePermissions(lldb, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<CoreDumps.Report> reports =
        new CoreDumps("/nonexistent/gdb", lldb.toString()).report(dir, "/pg/postgres");
    assertEquals(
        "lldb -c " + dir.resolve("core.1234") + " --batch -o bt all -o quit\n",
        reports.get(1).backtrace());
    PgData.deleteTree(bin);
  }

  @Test
  void report_withoutDebuggersLogsAndReturnsNothing() {
    assertTrue(
        new CoreDumps("/nonexistent/gdb", "/nonexistent/lldb")
            .report(dir, "/pg/postgres")
            .isEmpty());
    assertTrue(
        new CoreDumps("gdb", "lldb").report(dir.resolve("missing"), "/pg/postgres").isEmpty());
  }
}
