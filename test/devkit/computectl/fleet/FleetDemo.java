package computectl.fleet;

import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The fleet view demonstrated end to end: the standard fleet ({@link FleetPlan#standard}) and a
 * real Prometheus loading the shipped rules (deploy/prometheus) scraping all of it; checks that
 * Prometheus's answers match the fleet, before and after a compute is terminated and the pooled one
 * is configured. {@code make fleet-demo} and its test both run this.
 */
public final class FleetDemo implements AutoCloseable {
  public static final String RULES_FILE = "compute-ctl-rules.yml";
  static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
  static final Duration EVALUATION_INTERVAL = Duration.ofSeconds(1);

  /**
   * The two images (older first: its tag is the retired one), the rules directory, the binaries to
   * use.
   */
  public record Options(
      FleetImage older, FleetImage newer, Path rulesDir, Path prometheusBinary, Path pgBinDir) {}

  private final Path workDir;
  private Fleet fleet;
  private PrometheusServer prometheus;

  private FleetDemo(Path workDir) {
    this.workDir = workDir;
  }

  public static FleetDemo start(Options o) throws InterruptedException {
    Path rules = o.rulesDir().resolve(RULES_FILE);
    if (!Files.isRegularFile(rules)) {
      throw new ComputeCtlException("no " + RULES_FILE + " in " + o.rulesDir());
    }
    FleetPlan plan = FleetPlan.standard(o.older(), o.newer());
    FleetDemo demo;
    try {
      demo = new FleetDemo(RunAs.ownedTempDir(RunAs.unprivilegedUser(), "computectl-fleet-"));
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot create the fleet's work directory: " + e.getMessage(), e);
    }
    try {
      demo.fleet = Fleet.start(plan, demo.workDir, o.pgBinDir());
      Path promDir = demo.workDir.resolve("prometheus");
      Path retired = writeRetiredTags(promDir, plan.retiredTag());
      PrometheusConfig config =
          new PrometheusConfig(
              SCRAPE_INTERVAL, EVALUATION_INTERVAL, List.of(rules, retired), targets(demo.fleet));
      demo.prometheus =
          PrometheusServer.start(o.prometheusBinary(), promDir, config, Duration.ofSeconds(60));
      return demo;
    } catch (RuntimeException | InterruptedException e) {
      demo.close();
      throw e;
    }
  }

  private static List<PrometheusConfig.Target> targets(Fleet fleet) {
    return fleet.computes().stream()
        .map(
            c ->
                new PrometheusConfig.Target(
                    c.metricsTarget(),
                    Map.of("region", c.member().region(), "compute_id", c.name())))
        .toList();
  }

  /**
   * The operator's retired-build list (format of deploy/prometheus/retired-build-tags.yml) with one
   * tag.
   */
  static Path writeRetiredTags(Path dir, String tag) {
    String yaml =
        "groups:\n"
            + "  - name: compute-ctl-retired-build-tags\n"
            + "    rules:\n"
            + "      - record: compute_ctl:retired_build_tag\n"
            + "        expr: vector(1)\n"
            + "        labels:\n"
            + "          build_tag: "
            + PrometheusConfig.quote(tag)
            + "\n";
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("retired-build-tags.yml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot write the retired build tags under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where the fleet's PostgreSQL installation, computes and Prometheus keep their files (deleted on
   * close).
   */
  public Path workDir() {
    return workDir;
  }

  public Fleet fleet() {
    return fleet;
  }

  public PrometheusServer prometheus() {
    return prometheus;
  }

  /** What Prometheus must answer for the fleet as it is now. */
  public FleetAnswers expected() {
    SortedSet<String> alerts = new TreeSet<>();
    String retired = fleet.plan().retiredTag();
    for (FleetCompute c : fleet.computes()) {
      if (c.expectedStatus().equals("failed")) {
        alerts.add("ComputeCtlFailed compute_id=" + c.name());
      }
      if (c.member().buildTag().equals(retired) && !c.expectedStatus().equals("terminated")) {
        alerts.add("ComputeCtlRetiredBuildTagRunning build_tag=" + retired);
      }
    }
    return new FleetAnswers(fleet.expectedCounts(), alerts, fleet.computes().size());
  }

  /**
   * What Prometheus answers now: the three recording rules, ALERTS, and the scrape targets that are
   * up.
   */
  public FleetAnswers answers() throws InterruptedException {
    FleetCounts counts =
        new FleetCounts(
            FleetCounts.countsOf(prometheus.query("build_tag:compute_ctl_up:sum"), "build_tag"),
            FleetCounts.countsOf(prometheus.query("status:compute_ctl_up:sum"), "status"),
            FleetCounts.countsOf(
                prometheus.query("build_tag_status:compute_ctl_up:sum"), "build_tag", "status"));
    SortedSet<String> alerts = new TreeSet<>();
    for (PromSample a : prometheus.query("ALERTS")) {
      String id =
          a.labels().containsKey("compute_id")
              ? "compute_id=" + a.labels().get("compute_id")
              : "build_tag=" + a.labels().get("build_tag");
      alerts.add(a.labels().get("alertname") + " " + id);
    }
    int up = prometheus.query("up{job=\"" + PrometheusConfig.JOB + "\"} == 1").size();
    return new FleetAnswers(counts, alerts, up);
  }

  /** Polls Prometheus until its answers equal {@link #expected()}; returns them. */
  public FleetAnswers awaitAgreement(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    FleetAnswers want = expected();
    FleetAnswers got = null;
    while (System.nanoTime() < deadline) {
      got = answers();
      if (got.equals(want)) {
        return got;
      }
      Thread.sleep(200);
    }
    throw new ComputeCtlException(
        "after "
            + timeout.toSeconds()
            + " s Prometheus answers "
            + got
            + "\nbut the fleet is "
            + want
            + "\nPrometheus log ends:\n"
            + prometheus.logTail(10));
  }

  /** Terminates the compute the plan names, then configures the pooled one. */
  public void changeStatuses() throws InterruptedException {
    Log.info("fleet: terminating " + fleet.plan().toTerminate());
    fleet.terminate(fleet.plan().toTerminate());
    Log.info("fleet: configuring the pooled " + fleet.plan().toConfigure());
    fleet.configure(fleet.plan().toConfigure());
  }

  @Override
  public void close() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    deleteTree(workDir);
  }

  private static void deleteTree(Path root) {
    List<Path> failed = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          failed.add(p);
        }
      }
    } catch (IOException e) {
      failed.add(root);
    }
    if (!failed.isEmpty()) {
      Log.warn(
          "fleet: could not delete "
              + failed.size()
              + " files under "
              + root
              + ", e.g. "
              + failed.get(0));
    }
  }
}
