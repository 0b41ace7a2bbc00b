package computectl.vmhelpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiskQuota_Test {
  @Test
  void set_passesWholeKibAndMountpoint() throws Exception {
    HelperScripts h = new HelperScripts("set-disk-quota");

    new DiskQuota(h.sudo, h.tool, new ChildProcesses())
        .set(10L * 1024 * 1024 + 1023, "/var/db/postgres/compute");

    assertEquals(List.of(h.tool + " 10240 /var/db/postgres/compute"), h.sudoCalls());
    assertEquals(List.of("10240 /var/db/postgres/compute"), h.toolCalls());
  }

  @Test
  void set_zero_disablesTheQuota() throws Exception {
    HelperScripts h = new HelperScripts("set-disk-quota");

    new DiskQuota(h.sudo, h.tool, null).set(0, "/mnt");

    assertEquals(List.of("0 /mnt"), h.toolCalls());
  }

  @Test
  void set_failingTool_failsStartup() throws Exception {
    HelperScripts h = new HelperScripts("set-disk-quota");
    h.exitWith(1);
    h.deleteToolWhenRun();

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class, () -> new DiskQuota(h.sudo, h.tool, null).set(2048, "/mnt"));

    assertEquals(
        "failed to set disk quota: could not run `"
            + h.sudo
            + " "
            + h.tool
            + "`: process exited with exit status: 1",
        e.getMessage());
  }
}
