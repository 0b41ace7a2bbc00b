package computectl.compute;

import computectl.localproxy.LocalProxyConfigurer;
import computectl.pgbouncer.PgbouncerTuner;
import computectl.spec.ComputeSpec;
import computectl.spec.LocalProxySpec;
import computectl.spec.ParsedSpec;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.LogSpan;
import computectl.util.Worker;
import java.time.Duration;

/**
 * The {@code compute-configurator} thread (behaviour.md 7): applies specs pushed with {@code
 * /configure} to the running compute. ConfigurationPending becomes Configuration, then Running, or
 * Failed (with no error text, as upstream). It ends when the compute fails or stops.
 */
final class Configurator implements AutoCloseable {
  private final LaunchOptions cfg;
  private final ComputeNode node;
  private final SpecApplier applier;
  private final BackgroundTasks background;
  private final Worker worker;

  Configurator(
      LaunchOptions cfg, ComputeNode node, SpecApplier applier, BackgroundTasks background) {
    this.cfg = cfg;
    this.node = node;
    this.applier = applier;
    this.background = background;
    this.worker = new Worker("compute-configurator", this::loop);
  }

  void start() {
    worker.start();
  }

  private void loop(Worker w) throws InterruptedException {
    LogSpan.enter("configurator_main_loop").run(() -> serve(w));
  }

  private void serve(Worker w) throws InterruptedException {
    while (!w.stopped()) {
      ComputeStatus s = node.await(Configurator::actionable, Duration.ofSeconds(1));
      if (s == ComputeStatus.FAILED
          || s == ComputeStatus.TERMINATION_PENDING
          || s == ComputeStatus.TERMINATED) {
        Log.info("compute node is " + s + ", configurator thread exits");
        return;
      }
      if (s == ComputeStatus.CONFIGURATION_PENDING) {
        configureOnce();
      }
    }
  }

  private static boolean actionable(ComputeStatus s) {
    return s == ComputeStatus.CONFIGURATION_PENDING
        || s == ComputeStatus.FAILED
        || s == ComputeStatus.TERMINATION_PENDING
        || s == ComputeStatus.TERMINATED;
  }

  private void configureOnce() {
    if (node.transitionIf(
            s -> s == ComputeStatus.CONFIGURATION_PENDING, ComputeStatus.CONFIGURATION, null)
        != ComputeStatus.CONFIGURATION_PENDING) {
      return;
    }
    ParsedSpec ps = node.spec();
    try {
      // Logged under this thread's span, traced as a child of the /configure request.
      LogSpan.enterTracedFrom(node.takeRequestSpan(), "reconfigure").run(() -> reconfigure(ps));
      node.setStatus(ComputeStatus.RUNNING);
    } catch (ComputeCtlException e) {
      Log.error("could not configure compute node: " + ComputeCtlException.chain(e));
      node.setStatus(ComputeStatus.FAILED);
    } catch (RuntimeException e) {
      Log.error("could not configure compute node, internal error: " + e);
      node.setStatus(ComputeStatus.FAILED);
    }
  }

  private void reconfigure(ParsedSpec ps) {
    ComputeSpec spec = ps.spec();
    if (spec.pgbouncerSettings() != null) {
      background.spawn(
          "pgbouncer-tuning",
          () ->
              new PgbouncerTuner(PgbouncerTuner.targetFor(cfg.env()))
                  .tune(spec.pgbouncerSettings(), cfg.tls()));
    }
    if (spec.localProxyConfig() != null) {
      LocalProxySpec withOurTls = new LocalProxySpec(spec.localProxyConfig().jwks(), cfg.tls());
      background.spawn(
          "local-proxy-config", () -> LocalProxyConfigurer.system().configure(withOurTls));
    }
    StartupFlow.writeConfig(cfg, node, spec);
    applier.reconfigure(ps);
    String op = ps.spec().operationUuid() == null ? "unknown" : ps.spec().operationUuid();
    Log.info("finished reconfiguration of compute node for operation " + op);
  }

  @Override
  public void close() {
    worker.stop();
  }
}
