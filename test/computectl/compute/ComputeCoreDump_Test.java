package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.testsupport.Command;
import computectl.testsupport.ComputeCtlProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real crash: the postmaster of a running compute gets SIGSEGV and dumps core into PGDATA;
 * compute_ctl notices Postgres died, finds the core file and logs gdb's backtrace of it. The test
 * starts compute_ctl under {@code prlimit --core=unlimited} (the machine's soft limit is 0;
 * Postgres inherits the limit) and needs the kernel to write plain {@code core} files into the
 * crashing process's directory (PGDATA), as compute images have it.
 */
@Tag("e2e")
class ComputeCoreDump_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  @Test
  void postmasterCrash_isReportedWithABacktrace() throws Exception {
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).trim();
    // The core_pattern is the machine's, not ours to change: a pipe to a crash collector would
    // take the core away from PGDATA (as compute images configure it, cores land in PGDATA).
    Assumptions.assumeTrue(
        pattern.equals("core") || pattern.startsWith("core."), "core_pattern is " + pattern);
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            List.of("prlimit", "--core=unlimited", "--"),
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of(),
            Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      long pid =
          Long.parseLong(Files.readAllLines(node.pgdata().resolve("postmaster.pid")).get(0).trim());
      assertEquals(
          0,
          Command.run(List.of("kill", "-SEGV", Long.toString(pid)), Duration.ofSeconds(30))
              .exitCode());
      assertEquals(1, cc.awaitExit(Duration.ofMinutes(2)), cc.log());
      String log = cc.log();
      assertTrue(log.contains("core dump found: " + node.pgdata().resolve("core")), log);
      assertTrue(log.contains("core dump backtrace: "), log);
      // gdb's first frame; its symbol names depend on the debug symbols the machine has.
      assertTrue(log.matches("(?s).*core dump backtrace: .*[#]0 .*"), log);
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 30), "processes left behind");
    } finally {
      Files.deleteIfExists(node.pgdata().resolve("core"));
    }
  }
}
