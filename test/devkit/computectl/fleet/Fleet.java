package computectl.fleet;

import computectl.standin.BasebackupTar;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.PageserverStandIn;
import computectl.standin.PgInstall;
import computectl.standin.Ports;
import computectl.standin.ReachableImage;
import computectl.standin.SpecBuilder;
import computectl.standin.StandInBasebackup;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fleet of real compute_ctl processes on this machine: one private PostgreSQL installation (with
 * the sync-safekeepers shim), one pageserver stand-in serving a real basebackup, one control plane
 * stand-in handing out each compute's spec (or "empty"), and a port on which nothing listens for
 * the compute whose pageserver refuses. Closing stops everything it started.
 */
public final class Fleet implements AutoCloseable {
  static final String STORAGE_TOKEN = "fleet-storage-token";
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(90);

  private final FleetPlan plan;
  private final Path workDir;
  private final String user = RunAs.unprivilegedUser();
  private final Map<String, FleetCompute> computes = new LinkedHashMap<>();
  private final Map<String, String> specs = new LinkedHashMap<>();
  private PgInstall pg;
  private PageserverStandIn pageserver;
  private ControlPlaneStandIn controlPlane;

  /** Holds the port of the pageserver that refuses, for the fleet's life. */
  private Socket refusing;

  private Fleet(FleetPlan plan, Path workDir) {
    this.plan = plan;
    this.workDir = workDir;
  }

  /**
   * Starts the whole fleet under {@code workDir} (writable by the Postgres user) and waits until
   * every compute settled.
   */
  public static Fleet start(FleetPlan plan, Path workDir, Path pgBinDir)
      throws InterruptedException {
    Fleet fleet = new Fleet(plan, workDir);
    try {
      fleet.startStandIns(pgBinDir);
      fleet.launchComputes(fleet.stagedLaunchers());
      fleet.awaitSettled();
      return fleet;
    } catch (RuntimeException | InterruptedException e) {
      fleet.close();
      throw e;
    }
  }

  private void startStandIns(Path pgBinDir) {
    try {
      Path pgRoot = workDir.resolve("pg");
      pg = PgInstall.create(pgRoot, pgBinDir);
      RunAs.chownTree(user, pgRoot);
      BasebackupTar backup =
          StandInBasebackup.createIn(pg, workDir.resolve("source"), Ports.reserve());
      pg.configureShim(backup.endLsn().toString(), 0, 0);
      pageserver =
          PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, STORAGE_TOKEN);
      controlPlane = ControlPlaneStandIn.start();
      Log.info(
          "fleet: pageserver stand-in on port "
              + pageserver.port()
              + ", control plane at "
              + controlPlane.uri());
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot set up the fleet's PostgreSQL and pageserver under "
              + workDir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Each image's launcher, copied under the work dir when the Postgres user cannot reach it where
   * it is.
   */
  private Map<String, Path> stagedLaunchers() {
    Map<String, Path> launchers = new LinkedHashMap<>();
    for (FleetMember m : plan.members()) {
      launchers.computeIfAbsent(
          m.buildTag(),
          tag ->
              ReachableImage.launcher(
                  m.image().dir(), user, workDir.resolve("images").resolve(tag)));
    }
    return launchers;
  }

  /**
   * A compute's spec: its own tenant and timeline on the pageserver at {@code pageserverPort}, its
   * Postgres on its own loopback port, one application role and database.
   */
  private static String spec(String computeId, int index, ComputePorts ports, int pageserverPort) {
    return SpecBuilder.atStandIns(
            hexId(0xfeed0000L + index),
            hexId(0x7ee10000L + index),
            pageserverPort,
            Ports.reserve(),
            STORAGE_TOKEN)
        .operation("fleet-op-" + index)
        .clusterId("fleet-" + computeId)
        .clusterName(computeId)
        .role("app", null)
        .database("appdb", "app")
        .postgresOnLoopback(ports.postgres())
        .setting("fsync", "off", "bool")
        .setting("max_connections", "20", "integer")
        .setting("shared_buffers", "16MB", "string")
        .json();
  }

  /** A 32-hex-digit id, as Neon's tenant and timeline ids are. */
  private static String hexId(long n) {
    return String.format("%016x%016x", 0x0f1ee7L, n);
  }

  private void launchComputes(Map<String, Path> launchers) {
    refusing = ComputePorts.refusingPort();
    int refusingPort = refusing.getLocalPort();
    int index = 0;
    for (FleetMember m : plan.members()) {
      index++;
      ComputePorts ports = ComputePorts.allocate();
      boolean refuses = m.start() == FleetMember.Start.PAGESERVER_REFUSES;
      String spec = spec(m.name(), index, ports, refuses ? refusingPort : pageserver.port());
      specs.put(m.name(), spec);
      if (m.start() == FleetMember.Start.POOLED) {
        controlPlane.empty(m.name());
      } else {
        controlPlane.attached(m.name(), spec);
      }
      Path dir = computeDir(m.name());
      computes.put(
          m.name(),
          FleetCompute.launch(
              m, ports, dir, launchers.get(m.buildTag()), pg.postgres(), controlPlane.uri(), user));
    }
  }

  private Path computeDir(String name) {
    try {
      Path dir = Files.createDirectories(workDir.resolve("computes").resolve(name));
      RunAs.chownTree(user, dir);
      return dir;
    } catch (IOException e) {
      throw new ComputeCtlException(
          "cannot create the directory of " + name + " under " + workDir + ": " + e.getMessage(),
          e);
    }
  }

  private void awaitSettled() throws InterruptedException {
    for (FleetCompute c : computes.values()) {
      String expected = c.expectedStatus();
      Set<String> settled = new HashSet<>(Set.of("failed", "running"));
      settled.add(expected);
      String got = c.awaitStatus(settled, SETTLE_TIMEOUT);
      if (!got.equals(expected)) {
        throw new ComputeCtlException(
            c.name()
                + " settled in "
                + got
                + " instead of "
                + expected
                + "; its log ends:\n"
                + c.logTail(30));
      }
      Log.info(
          "fleet: "
              + c.name()
              + " ("
              + c.member().buildTag()
              + ", "
              + c.member().region()
              + ") is "
              + got);
    }
  }

  public FleetPlan plan() {
    return plan;
  }

  public List<FleetCompute> computes() {
    return List.copyOf(computes.values());
  }

  public FleetCompute compute(String name) {
    FleetCompute c = computes.get(name);
    if (c == null) {
      throw new ComputeCtlException("no compute named " + name + " in the fleet");
    }
    return c;
  }

  /**
   * Terminates a compute through its API (it stays up, reporting terminated, until the fleet
   * stops).
   */
  public void terminate(String name) throws InterruptedException {
    compute(name).terminate();
  }

  /** Configures a pooled compute with its spec through its API; returns once it runs. */
  public void configure(String name) throws InterruptedException {
    compute(name).configure(specs.get(name));
  }

  /** What Prometheus should see: each compute once, under its build tag and expected status. */
  public FleetCounts expectedCounts() {
    return FleetCounts.of(
        computes.values().stream()
            .map(c -> new FleetCounts.Entry(c.member().buildTag(), c.expectedStatus()))
            .toList());
  }

  @Override
  public void close() {
    List<Thread> stoppers = new ArrayList<>();
    for (FleetCompute c : computes.values()) {
      Thread t = new Thread(c::close, "fleet-stop-" + c.name());
      stoppers.add(t);
      t.start();
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pageserver != null) {
      pageserver.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (refusing != null) {
      try {
        refusing.close();
      } catch (IOException e) {
        Log.warn("fleet: could not release the refusing port: " + e.getMessage());
      }
    }
  }
}
