package computectl.vmmonitor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What the vm-monitor needs: where to listen, which cgroup to watch (null: no cgroup logic, never
 * an UpscaleRequest) and the libpq string for the file cache (null: the cache is never touched, as
 * with {@code disable_lfc_resizing}). The rest are injection points whose defaults are upstream's:
 * cgroup root and its cgroup-v2 check, total memory, a monotonic nanosecond clock for the time
 * rules, and the sampling interval.
 */
public record VmMonitorConfig(
    InetSocketAddress address,
    String cgroup,
    String filecacheConnstr,
    Path cgroupRoot,
    Predicate<Path> cgroupV2Check,
    LongSupplier totalMemoryBytes,
    LongSupplier nanoClock,
    Duration pollInterval) {
  public static final String DEFAULT_ADDRESS = "0.0.0.0:10301";
  public static final String DEFAULT_CGROUP = "neon-postgres";
  public static final String DEFAULT_FILECACHE_CONNSTR =
      "host=localhost port=5432 dbname=postgres user=cloud_admin sslmode=disable"
          + " application_name=vm-monitor";
  public static final Path DEFAULT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  public VmMonitorConfig {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    Objects.requireNonNull(cgroupV2Check, "cgroupV2Check");
    Objects.requireNonNull(totalMemoryBytes, "totalMemoryBytes");
    Objects.requireNonNull(nanoClock, "nanoClock");
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new VmMonitorException(
          "vm-monitor poll interval must be positive, not " + pollInterval);
    }
    if (filecacheConnstr != null) {
      LibpqConnstr.parse(filecacheConnstr);
    }
  }

  /** Without the connection string's password. */
  @Override
  public String toString() {
    return "VmMonitorConfig[address="
        + address
        + ", cgroup="
        + cgroup
        + ", filecache="
        + (filecacheConnstr == null ? "none" : LibpqConnstr.parse(filecacheConnstr).toString())
        + ", cgroupRoot="
        + cgroupRoot
        + ", pollInterval="
        + pollInterval
        + "]";
  }

  /**
   * compute_ctl's view: {@code --vm-monitor-addr}, {@code --cgroup} and {@code --filecache-connstr}
   * (pass null when the spec says {@code disable_lfc_resizing}).
   */
  public static VmMonitorConfig of(String address, String cgroup, String filecacheConnstr) {
    return new VmMonitorConfig(
        parseAddress(address),
        cgroup,
        filecacheConnstr,
        DEFAULT_CGROUP_ROOT,
        CgroupWatcher::isCgroup2Mount,
        SystemMemory::memTotalBytes,
        System::nanoTime,
        DEFAULT_POLL_INTERVAL);
  }

  /**
   * A literal {@code IPv4:port} or {@code [IPv6]:port}; host names are refused (upstream cannot
   * parse them either).
   */
  public static InetSocketAddress parseAddress(String s) {
    String bad =
        "invalid --vm-monitor-addr \"" + s + "\": expected a literal IP:port such as 0.0.0.0:10301";
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new VmMonitorException(bad);
    }
    String host = s.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new VmMonitorException(bad);
    }
    boolean v6 =
        host.startsWith("[")
            && host.endsWith("]")
            && host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+");
    boolean v4 =
        host.matches(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    if (!(v4 || v6) || port < 0 || port > 65535) {
      throw new VmMonitorException(bad);
    }
    try {
      return new InetSocketAddress(
          InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host), port);
    } catch (UnknownHostException e) {
      throw new VmMonitorException(bad);
    }
  }
}
