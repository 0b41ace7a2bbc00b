package computectl.compute;

import computectl.metrics.MetricFamily;

/**
 * Keeps {@code compute_ctl_up{build_tag,status}} at exactly one series (behaviour.md 10.2): each
 * change removes every series, then sets the new status to 1. Unlike upstream (whose move to
 * Terminated bypasses its setter), {@code terminated} is shown too.
 */
public final class UpMetric implements StatusListener {
  private final MetricFamily up;
  private final String buildTag;

  public UpMetric(MetricFamily up, String buildTag) {
    this.up = up;
    this.buildTag = buildTag;
  }

  /** Called once the HTTP servers are up: the first series, {@code empty}, appears then. */
  public void publish(ComputeStatus current) {
    show(current);
  }

  @Override
  public void statusChanged(ComputeStatus from, ComputeStatus to) {
    show(to);
  }

  private synchronized void show(ComputeStatus status) {
    up.reset();
    up.set(1, buildTag, status.display());
  }
}
