package computectl.vmhelpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ComputeCtlException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwapResizer_Test {
  @Test
  void resize_runsTheToolThroughSudoWithOnceFirst() throws Exception {
    HelperScripts h = new HelperScripts("resize-swap");

    new SwapResizer(h.sudo, h.tool, null).resize(1L << 30);

    assertEquals(List.of(h.tool + " --once 1073741824"), h.sudoCalls());
    assertEquals(List.of("--once 1073741824"), h.toolCalls());
  }

  @Test
  void resize_failingToolThatStillExists_failsStartup() throws Exception {
    HelperScripts h = new HelperScripts("resize-swap");
    h.exitWith(3);

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class, () -> new SwapResizer(h.sudo, h.tool, null).resize(4096));

    assertEquals(
        "failed to resize swap: could not run `"
            + h.sudo
            + " "
            + h.tool
            + " --once 4096`: "
            + "process exited with exit status: 3",
        e.getMessage());
  }

  @Test
  void resize_failingToolThatDeletedItself_isAccepted() throws Exception {
    HelperScripts h = new HelperScripts("resize-swap");
    h.exitWith(1);
    h.deleteToolWhenRun();

    new SwapResizer(h.sudo, h.tool, null).resize(4096);

    assertEquals(List.of("--once 4096"), h.toolCalls());
  }

  @Test
  void resize_missingSudo_isAClearError() throws Exception {
    HelperScripts h = new HelperScripts("resize-swap");
    Path noSudo = h.dir.resolve("no-such-sudo");

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class, () -> new SwapResizer(noSudo, h.tool, null).resize(1));

    assertEquals(
        true,
        e.getMessage()
            .startsWith("could not run `" + noSudo + " " + h.tool + " --once 1`: spawn() failed"),
        e.getMessage());
  }
}
