package computectl.vmhelpers;

import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resizes the VM's swap before Postgres starts (behaviour.md 12.3): {@code /usr/bin/sudo
 * /neonvm/bin/resize-swap --once <bytes>}. {@code --once} must come first: it makes the tool delete
 * itself after success, so a restarted compute_ctl cannot swapoff under a running Postgres. Hence a
 * failure is accepted when the tool no longer exists.
 */
public final class SwapResizer {
  public static final Path SUDO = Path.of("/usr/bin/sudo");
  public static final Path RESIZE_SWAP = Path.of("/neonvm/bin/resize-swap");

  private final Path sudo;
  private final Path tool;
  private final ChildProcesses children;

  public SwapResizer(Path sudo, Path tool, ChildProcesses children) {
    this.sudo = sudo;
    this.tool = tool;
    this.children = children;
  }

  /** The real helper through {@code /usr/bin/sudo}. */
  public static SwapResizer system(ChildProcesses children) {
    return new SwapResizer(SUDO, RESIZE_SWAP, children);
  }

  /**
   * @throws ComputeCtlException {@code failed to resize swap: ...}
   */
  public void resize(long sizeBytes) {
    List<String> cmd =
        List.of(sudo.toString(), tool.toString(), "--once", Long.toUnsignedString(sizeBytes));
    int exit = HelperCommand.run(cmd, "resize-swap", children);
    if (exit != 0) {
      if (Files.exists(tool)) {
        throw new ComputeCtlException(
            "failed to resize swap: could not run "
                + HelperCommand.display(cmd)
                + ": process exited with exit status: "
                + exit);
      }
      Log.warn(
          "ignoring \"not found\" error from resize-swap to avoid swapoff while compute is"
              + " running");
      return;
    }
    Log.info(
        "resized swap: size_bytes="
            + Long.toUnsignedString(sizeBytes)
            + " size_mib="
            + (sizeBytes / (1 << 20)));
  }
}
