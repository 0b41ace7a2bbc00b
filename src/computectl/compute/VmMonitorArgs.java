package computectl.compute;

/**
 * The vm-monitor flags ({@code --vm-monitor-addr}, {@code --cgroup}, {@code --filecache-connstr}).
 */
public record VmMonitorArgs(String address, String cgroup, String filecacheConnstr) {}
