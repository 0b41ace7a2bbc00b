package computectl.compute;

/**
 * Told of every status change, in order, while the state lock is held: keep it short and never wait
 * on the node from here.
 */
@FunctionalInterface
public interface StatusListener {
  void statusChanged(ComputeStatus from, ComputeStatus to);
}
