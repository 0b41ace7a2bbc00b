package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.util.ComputeCtlException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetPlan_Test {
  private static final FleetImage V1 = new FleetImage(Path.of("/img/v1"), "v1");
  private static final FleetImage V2 = new FleetImage(Path.of("/img/v2"), "v2");

  @Test
  void standard_hasSixComputesOfTwoTagsRunningFailedAndPooled() {
    FleetPlan plan = FleetPlan.standard(V1, V2);
    assertEquals(6, plan.members().size());
    assertEquals(6, plan.members().stream().map(FleetMember::name).distinct().count());
    Map<String, Long> byStatus =
        plan.members().stream()
            .collect(Collectors.groupingBy(m -> m.start().settledStatus(), Collectors.counting()));
    assertEquals(Map.of("running", 4L, "failed", 1L, "empty", 1L), byStatus);
    assertEquals(FleetMember.Start.ATTACHED, plan.member(plan.toTerminate()).start());
    assertEquals(FleetMember.Start.POOLED, plan.member(plan.toConfigure()).start());
    assertEquals("v1", plan.retiredTag());
    assertEquals(2, plan.members().stream().map(FleetMember::region).distinct().count());
  }

  @Test
  void standard_refusesTwoImagesWithTheSameTag() {
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> FleetPlan.standard(V1, new FleetImage(Path.of("/img/other"), "v1")));
    assertEquals(
        "both images carry build tag v1 (/img/v1, /img/other); build one of them with another"
            + " BUILD_TAG",
        e.getMessage());
  }

  @Test
  void plan_refusesASingleTagFleet() {
    List<FleetMember> one = List.of(new FleetMember("a", V1, "r", FleetMember.Start.ATTACHED));
    ComputeCtlException e =
        assertThrows(ComputeCtlException.class, () -> new FleetPlan(one, "a", "a", "v1"));
    assertTrue(
        e.getMessage().startsWith("a fleet needs computes of at least two build tags"),
        e.getMessage());
  }

  @Test
  void member_unknownNameIsAnError() {
    ComputeCtlException e =
        assertThrows(ComputeCtlException.class, () -> FleetPlan.standard(V1, V2).member("nope"));
    assertEquals("no compute named nope in the fleet", e.getMessage());
  }
}
