package computectl.vmmonitor;

/**
 * The cgroup poller's view after its latest sample: the rolling mean of the last {@link
 * MemoryWindow#SIZE} non-reclaimable-memory samples, how many samples were taken on this
 * connection, and when (injected clock, nanoseconds) the latest one was taken.
 */
public record MemorySummary(long meanBytes, long samples, long takenAtNanos) {}
