package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import computectl.standin.PgInstall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What {@code make fleet-demo} runs, bounded: six real computes of two build tags and a real
 * Prometheus with the shipped rules; its answers must match the fleet, also after a compute is
 * terminated and the pooled one configured; afterwards nothing it started is left running.
 */
@Tag("e2e")
class FleetDemo_Test {
  private static final Path ROOT = Path.of(System.getProperty("computectl.root", "."));

  @Test
  void fleet_prometheusAnswersMatchTheFleetBeforeAndAfterStatusChanges() throws Exception {
    assumeTrue(
        Files.isExecutable(PrometheusServer.DEFAULT_BINARY),
        "fleet test skipped: no "
            + PrometheusServer.DEFAULT_BINARY
            + " (install the Debian package prometheus, as .ci/run does)");
    FleetImage current =
        FleetImage.read(Path.of(System.getProperty("computectl.image", "build/image")));
    String old = current.buildTag().equals("fleet-old") ? "fleet-older" : "fleet-old";
    FleetImage retired = RetaggedImage.create(current, old);
    try {
      runFleet(current, retired);
    } finally {
      RetaggedImage.delete(retired);
    }
  }

  private static void runFleet(FleetImage current, FleetImage retired) throws Exception {
    String now = current.buildTag();
    String old = retired.buildTag();
    FleetDemo.Options options =
        new FleetDemo.Options(
            retired,
            current,
            ROOT.resolve("deploy/prometheus"),
            PrometheusServer.DEFAULT_BINARY,
            PgInstall.DEFAULT_PG_BIN_DIR);
    FleetDemo demo = FleetDemo.start(options);
    try (demo) {
      for (FleetCompute c : demo.fleet().computes()) {
        assertEquals(c.expectedStatus(), c.status(), c.name() + " /status");
      }
      FleetAnswers before = demo.awaitAgreement(Duration.ofSeconds(30));
      assertEquals(Map.of(old, 3, now, 3), before.counts().byTag());
      assertEquals(Map.of("running", 4, "failed", 1, "empty", 1), before.counts().byStatus());
      assertEquals(
          Map.of(old + "/running", 2, old + "/empty", 1, now + "/running", 2, now + "/failed", 1),
          before.counts().byTagAndStatus());
      assertEquals(
          Set.of(
              "ComputeCtlFailed compute_id=compute-5",
              "ComputeCtlRetiredBuildTagRunning build_tag=" + old),
          before.alerts());
      assertEquals(6, before.targetsUp());

      demo.changeStatuses();
      // a generous bound: with 1 s scrapes and evaluations it normally takes one or two seconds
      FleetAnswers after = demo.awaitAgreement(Duration.ofSeconds(20));
      assertEquals(Map.of("running", 4, "failed", 1, "terminated", 1), after.counts().byStatus());
      assertEquals(
          Map.of(
              old + "/running", 2, old + "/terminated", 1, now + "/running", 2, now + "/failed", 1),
          after.counts().byTagAndStatus());
      assertEquals("terminated", statusOf(demo, "compute-1"));
      assertEquals("running", statusOf(demo, "compute-6"));
      String view = OperatorQueries.render(demo.prometheus());
      assertTrue(view.contains("{build_tag=\"" + old + "\", region=\"us-demo\"} 2"), view);
    }
    for (FleetCompute c : demo.fleet().computes()) {
      assertFalse(c.alive(), c.name() + " stopped");
    }
    assertFalse(demo.prometheus().alive(), "Prometheus stopped");
    assertEquals(
        List.of(),
        processesUnder(demo.workDir()),
        "no Postgres or other process left in the fleet's files");
    assertFalse(Files.exists(demo.workDir()), "work directory removed");
  }

  /** Pids of processes whose command line mentions {@code dir}. */
  private static List<Long> processesUnder(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              try {
                return new String(
                        Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")),
                        StandardCharsets.UTF_8)
                    .contains(dir.toString());
              } catch (IOException e) {
                return false;
              }
            })
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String statusOf(FleetDemo demo, String computeId) throws InterruptedException {
    List<PromSample> s =
        demo.prometheus().query("compute_ctl_up{compute_id=\"" + computeId + "\"}");
    assertEquals(1, s.size(), s.toString());
    return s.get(0).labels().get("status");
  }
}
