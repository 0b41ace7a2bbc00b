package computectl.vmhelpers;

import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.nio.file.Path;
import java.util.List;

/**
 * Sets the quota of the filesystem holding PGDATA (behaviour.md 12.4): {@code /usr/bin/sudo
 * /neonvm/bin/set-disk-quota <size in KiB> <mountpoint>}; 0 disables it.
 */
public final class DiskQuota {
  public static final Path SET_DISK_QUOTA = Path.of("/neonvm/bin/set-disk-quota");

  private final Path sudo;
  private final Path tool;
  private final ChildProcesses children;

  public DiskQuota(Path sudo, Path tool, ChildProcesses children) {
    this.sudo = sudo;
    this.tool = tool;
    this.children = children;
  }

  /** The real helper through {@code /usr/bin/sudo}. */
  public static DiskQuota system(ChildProcesses children) {
    return new DiskQuota(SwapResizer.SUDO, SET_DISK_QUOTA, children);
  }

  /**
   * @param sizeBytes the quota; rounded down to whole KiB
   * @throws ComputeCtlException {@code failed to set disk quota: ...}
   */
  public void set(long sizeBytes, String mountpoint) {
    String kib = Long.toUnsignedString(Long.divideUnsigned(sizeBytes, 1024));
    List<String> cmd = List.of(sudo.toString(), tool.toString(), kib, mountpoint);
    int exit = HelperCommand.run(cmd, "set-disk-quota", children);
    if (exit != 0) {
      throw new ComputeCtlException(
          "failed to set disk quota: could not run "
              + HelperCommand.display(List.of(sudo.toString(), tool.toString()))
              + ": process exited with exit status: "
              + exit);
    }
    Log.info(
        "set disk quota: disk_quota_bytes="
            + Long.toUnsignedString(sizeBytes)
            + " mountpoint="
            + mountpoint);
  }
}
