package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.ComputeCtlException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetDemoMain_Test {
  @Test
  void parse_readsImagesInOrderAndOptions() {
    FleetDemoMain.Args a =
        FleetDemoMain.Args.parse(
            new String[] {
              "--image",
              "/a",
              "--keep-running",
              "--image",
              "/b",
              "--rules",
              "/r",
              "--prometheus",
              "/p",
              "--pg-bin-dir",
              "/pg"
            });
    assertEquals(List.of(Path.of("/a"), Path.of("/b")), a.images());
    assertEquals(Path.of("/r"), a.rulesDir());
    assertEquals(Path.of("/p"), a.prometheus());
    assertEquals(Path.of("/pg"), a.pgBinDir());
    assertTrue(a.keepRunning());
  }

  @Test
  void parse_defaults() {
    FleetDemoMain.Args a =
        FleetDemoMain.Args.parse(new String[] {"--image", "/a", "--image", "/b"});
    assertEquals(Path.of("deploy/prometheus"), a.rulesDir());
    assertEquals(PrometheusServer.DEFAULT_BINARY, a.prometheus());
    assertEquals(false, a.keepRunning());
  }

  @Test
  void parse_errorsNameTheProblem() {
    assertEquals(
        "give exactly two --image directories (the older build first), got 1",
        assertThrows(
                ComputeCtlException.class,
                () -> FleetDemoMain.Args.parse(new String[] {"--image", "/a"}))
            .getMessage());
    assertEquals(
        "a value is required for '--rules <DIR>' but none was supplied",
        assertThrows(
                ComputeCtlException.class, () -> FleetDemoMain.Args.parse(new String[] {"--rules"}))
            .getMessage());
    assertTrue(
        assertThrows(
                ComputeCtlException.class,
                () -> FleetDemoMain.Args.parse(new String[] {"--bogus", "x"}))
            .getMessage()
            .equals("unexpected argument '--bogus' found"));
  }
}
