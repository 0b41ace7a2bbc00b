package computectl.vmmonitor;

/**
 * The protocol's {@code Allocation}: vCPUs and total VM memory in bytes (not a delta). The monitor
 * ignores {@code cpu}; it is kept so messages round-trip faithfully.
 */
public record Allocation(double cpu, long memBytes) {}
