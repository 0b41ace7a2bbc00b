package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetCounts_Test {
  @Test
  void of_countsByTagStatusAndBoth() {
    FleetCounts c =
        FleetCounts.of(
            List.of(
                new FleetCounts.Entry("v1", "running"),
                new FleetCounts.Entry("v1", "running"),
                new FleetCounts.Entry("v2", "failed"),
                new FleetCounts.Entry("v1", "empty")));
    assertEquals(Map.of("v1", 3, "v2", 1), c.byTag());
    assertEquals(Map.of("running", 2, "failed", 1, "empty", 1), c.byStatus());
    assertEquals(Map.of("v1/running", 2, "v2/failed", 1, "v1/empty", 1), c.byTagAndStatus());
    assertEquals(4, c.total());
  }

  @Test
  void countsOf_keysByTheNamedLabelsAndRoundsValues() {
    List<PromSample> samples =
        List.of(
            new PromSample(Map.of("__name__", "x", "build_tag", "v1", "status", "running"), 2.0),
            new PromSample(Map.of("build_tag", "v2", "status", "failed"), 0.9999999),
            new PromSample(Map.of("status", "empty"), 1));
    assertEquals(
        Map.of("v1/running", 2, "v2/failed", 1, "/empty", 1),
        FleetCounts.countsOf(samples, "build_tag", "status"));
  }

  @Test
  void promSample_printsLikeThePrometheusConsole() {
    assertEquals(
        "up{job=\"a\", zone=\"b\"} 1",
        new PromSample(Map.of("__name__", "up", "zone", "b", "job", "a"), 1).toString());
    assertEquals("{x=\"y\"} 0.5", new PromSample(Map.of("x", "y"), 0.5).toString());
  }
}
