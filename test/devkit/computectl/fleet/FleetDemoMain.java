package computectl.fleet;

import computectl.standin.PgInstall;
import computectl.util.CommandLine;
import computectl.util.ComputeCtlException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code make fleet-demo}: starts the demo fleet and Prometheus, prints what an operator sees
 * before and after a compute is terminated and the pooled one configured, checking every answer
 * against the fleet, then stops everything (or, with {@code --keep-running}, waits for Ctrl-C).
 * Arguments: {@code --image <dir>} twice (the older build first), {@code --rules <dir>} (default
 * deploy/prometheus), {@code --prometheus <binary>}, {@code --pg-bin-dir <dir>}, {@code
 * --keep-running}.
 */
public final class FleetDemoMain {
  static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(30);

  private FleetDemoMain() {}

  record Args(
      List<Path> images, Path rulesDir, Path prometheus, Path pgBinDir, boolean keepRunning) {
    static final CommandLine.Option IMAGE =
        new CommandLine.Option("image", '\0', "DIR", true, false);
    static final CommandLine.Option RULES = CommandLine.Option.value("rules", '\0', "DIR");
    static final CommandLine.Option PROMETHEUS =
        CommandLine.Option.value("prometheus", '\0', "BINARY");
    static final CommandLine.Option PG_BIN_DIR =
        CommandLine.Option.value("pg-bin-dir", '\0', "DIR");
    static final CommandLine.Option KEEP_RUNNING = CommandLine.Option.flag("keep-running", '\0');

    /** Read by the product's command-line reader, with its messages. */
    static Args parse(String[] argv) {
      CommandLine line =
          CommandLine.read(
              List.of(IMAGE, RULES, PROMETHEUS, PG_BIN_DIR, KEEP_RUNNING),
              argv,
              ComputeCtlException::new);
      List<Path> images = line.all(IMAGE).stream().map(Path::of).toList();
      if (images.size() != 2) {
        throw new ComputeCtlException(
            "give exactly two --image directories (the older build first), got " + images.size());
      }
      return new Args(
          images,
          pathOr(line.get(RULES), Path.of("deploy/prometheus")),
          pathOr(line.get(PROMETHEUS), PrometheusServer.DEFAULT_BINARY),
          pathOr(line.get(PG_BIN_DIR), PgInstall.DEFAULT_PG_BIN_DIR),
          line.has(KEEP_RUNNING));
    }

    private static Path pathOr(String value, Path fallback) {
      return value == null ? fallback : Path.of(value);
    }
  }

  public static void main(String[] argv) {
    try {
      run(Args.parse(argv), System.out);
    } catch (ComputeCtlException e) {
      System.err.println("fleet-demo: " + ComputeCtlException.chain(e));
      System.exit(1);
    } catch (InterruptedException e) {
      System.exit(130);
    }
  }

  static void run(Args args, PrintStream out) throws InterruptedException {
    FleetDemo.Options options =
        new FleetDemo.Options(
            FleetImage.read(args.images().get(0)),
            FleetImage.read(args.images().get(1)),
            args.rulesDir(),
            args.prometheus(),
            args.pgBinDir());
    AtomicReference<FleetDemo> running = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Runnable stopAll =
        () -> {
          FleetDemo d = running.getAndSet(null);
          if (d != null) {
            d.close();
          }
          done.countDown();
        };
    Thread stopper = new Thread(stopAll, "fleet-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    long t0 = System.nanoTime();
    FleetDemo demo = FleetDemo.start(options);
    running.set(demo);
    out.printf(
        "fleet of %d computes started in %.1f s; Prometheus at %s%n",
        demo.fleet().computes().size(), seconds(t0), demo.prometheus().url());
    printFleet(demo, out);
    show(demo, out, "Before any change");
    demo.changeStatuses();
    show(
        demo,
        out,
        "After terminating "
            + demo.fleet().plan().toTerminate()
            + " and configuring "
            + demo.fleet().plan().toConfigure());
    if (args.keepRunning()) {
      out.println(
          "Everything keeps running; Prometheus: "
              + demo.prometheus().url()
              + " ; Ctrl-C stops it all.");
      done.await();
      return;
    }
    Runtime.getRuntime().removeShutdownHook(stopper);
    stopAll.run();
    out.println("fleet and Prometheus stopped");
  }

  private static void show(FleetDemo demo, PrintStream out, String title)
      throws InterruptedException {
    long t0 = System.nanoTime();
    FleetAnswers answers = demo.awaitAgreement(AGREEMENT_TIMEOUT);
    out.printf(
        "%n== %s: Prometheus agrees with the fleet after %.1f s ==%n%s%n",
        title, seconds(t0), answers);
    out.println();
    out.print(OperatorQueries.render(demo.prometheus()));
  }

  private static void printFleet(FleetDemo demo, PrintStream out) {
    out.printf("%-10s %-8s %-8s %-9s %s%n", "compute", "build", "region", "status", "metrics");
    for (FleetCompute c : demo.fleet().computes()) {
      out.printf(
          "%-10s %-8s %-8s %-9s http://%s/metrics%n",
          c.name(),
          c.member().buildTag(),
          c.member().region(),
          c.expectedStatus(),
          c.metricsTarget());
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
