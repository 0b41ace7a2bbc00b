package computectl.compute;

/** Told of every status change, after it happened, outside the state lock. */
@FunctionalInterface
public interface StatusListener {
  void statusChanged(ComputeStatus from, ComputeStatus to);
}
