package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import computectl.testsupport.Await;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.TestPg;
import computectl.util.RunAs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AUTOSCALING in a real compute, as far as a machine without NeonVM allows: Postgres and
 * sync-safekeepers run under {@code cgexec -g memory:neon-postgres} (a recording cgexec first on
 * PATH stands in for libcgroup's, since the tests have no cgroup of their own), compute_ctl starts
 * the vm-monitor on the given address, and the swap and disk-quota settings call the NeonVM helpers
 * (absent here, so the start fails naming them). The monitor's protocol, cgroup and file cache are
 * tested in the vmmonitor package.
 */
@Tag("e2e")
class ComputeAutoscaling_Test {
  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  /** A directory holding a cgexec that records its arguments, then runs the wrapped command. */
  private static Path fakeCgexec() throws Exception {
    Path dir = TestPg.workDir("computectl-cgexec-");
    Path script = dir.resolve("cgexec");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "echo \"$*\" >> \""
            + dir.resolve("calls.txt")
            + "\"\n"
            + "[ \"$1\" = -g ] || exit 64\n"
            + "shift 2\n"
            + "exec \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    RunAs.chownTree(TestPg.user(), dir);
    return dir;
  }

  private static Map<String, String> autoscalingEnv(Path cgexecDir) {
    return Map.of(
        "AUTOSCALING", "true", "PATH", cgexecDir + ":" + System.getenv().getOrDefault("PATH", ""));
  }

  @Test
  void autoscaling_runsPostgresUnderCgexecAndStartsTheVmMonitor() throws Exception {
    Path cgexec = fakeCgexec();
    int monitorPort = TestPg.freePort();
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            ComputeFixture.write(fx.spec(node)),
            List.of("--vm-monitor-addr", "127.0.0.1:" + monitorPort),
            autoscalingEnv(cgexec))) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"running\""), status + cc.log());
      List<String> calls = Files.readAllLines(cgexec.resolve("calls.txt"));
      String postgres = fx.pg.postgres().toString();
      assertTrue(
          calls.stream().anyMatch(c -> c.startsWith("-g memory:neon-postgres " + postgres + " -D")),
          "Postgres started under cgexec: " + calls);
      assertTrue(
          calls.stream()
              .anyMatch(
                  c -> c.equals("-g memory:neon-postgres " + postgres + " --sync-safekeepers")),
          "sync-safekeepers under cgexec: " + calls);
      // The vm-monitor starts beside Postgres, possibly a moment after Running is reported.
      String listening = "vm-monitor: listening on /127.0.0.1:" + monitorPort;
      try {
        Await.until("the vm-monitor listening", () -> cc.log().contains(listening));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + cc.log(), e);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), monitorPort), 10_000);
      }
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(60)), cc.log());
    }
  }

  @Test
  void swapAndDiskQuota_callTheNeonVmHelpers() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    Path file =
        ComputeFixture.write(
            fx.spec(node)
                .set("swap_size_bytes", Json.value(1L << 30))
                .set("disk_quota_bytes", Json.value(2L << 30)));
    try (ComputeCtlProcess cc =
        fx.start(
            node,
            file,
            List.of(
                "--resize-swap-on-bind",
                "--set-disk-quota-for-fs",
                node.pgdata().getParent().toString()),
            Map.of())) {
      String status =
          cc.awaitStatus(
              s -> s.contains("\"running\"") || s.contains("\"failed\""), Duration.ofSeconds(90));
      assertTrue(status.contains("\"failed\""), status + cc.log());
      String log = cc.log();
      assertTrue(
          log.contains("/neonvm/bin/resize-swap") || log.contains("/neonvm/bin/set-disk-quota"),
          log);
      assertEquals(List.of(), Orphans.awaitNone(node.pgdata(), 30), "processes left behind");
    }
  }
}
