package computectl.vmmonitor;

/**
 * What the current agent connection knows, for logs and tests. {@code ready} is false until version
 * negotiation and initialisation are done. {@code thresholdBytes} is the upscale threshold; {@code
 * memorySamples}/{@code meanBytes} come from the cgroup poller (0 without one), as does {@code
 * failedMemoryReads} (reads of memory.stat that gave no sample); {@code upscaleChecks} counts the
 * finished decisions whether to ask for an upscale (one per new sample); {@code fileCacheBytes} is
 * the LFC size last set (-1 if never); {@code cgroupProblem} is why cgroup watching is off although
 * a cgroup is configured (null when it works or is not configured).
 */
public record SessionSnapshot(
    int connection,
    boolean ready,
    long thresholdBytes,
    long memorySamples,
    long failedMemoryReads,
    long upscaleChecks,
    long meanBytes,
    long fileCacheBytes,
    String cgroupProblem) {}
