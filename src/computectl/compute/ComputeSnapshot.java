package computectl.compute;

import computectl.spec.ParsedSpec;
import java.time.Instant;

/** A consistent snapshot of the compute's shared state, for {@code /status} and friends. */
public record ComputeSnapshot(
    ComputeStatus status, String error, Instant startTime, Instant lastActive, ParsedSpec spec) {}
