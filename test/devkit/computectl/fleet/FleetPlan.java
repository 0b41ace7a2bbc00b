package computectl.fleet;

import computectl.fleet.FleetMember.Start;
import computectl.util.ComputeCtlException;
import java.util.List;

/**
 * The demo fleet: six computes in two regions from two builds, the older build being the one
 * operators want gone. Four run, one fails because its pageserver refuses connections, one is
 * pooled (empty, waiting for /configure). The demo later terminates {@link #toTerminate} and
 * configures {@link #toConfigure}.
 */
public record FleetPlan(
    List<FleetMember> members, String toTerminate, String toConfigure, String retiredTag) {
  public static final String REGION_A = "eu-demo";
  public static final String REGION_B = "us-demo";

  public FleetPlan {
    members = List.copyOf(members);
    long tags = members.stream().map(FleetMember::buildTag).distinct().count();
    if (tags < 2) {
      throw new ComputeCtlException(
          "a fleet needs computes of at least two build tags, all of these are "
              + members.get(0).buildTag()
              + "; build the second image with another BUILD_TAG");
    }
  }

  /** The standard six-compute fleet built from an older and a newer image. */
  public static FleetPlan standard(FleetImage older, FleetImage newer) {
    if (older.buildTag().equals(newer.buildTag())) {
      throw new ComputeCtlException(
          "both images carry build tag "
              + older.buildTag()
              + " ("
              + older.dir()
              + ", "
              + newer.dir()
              + "); build one of them with another BUILD_TAG");
    }
    List<FleetMember> members =
        List.of(
            new FleetMember("compute-1", older, REGION_A, Start.ATTACHED),
            new FleetMember("compute-2", older, REGION_B, Start.ATTACHED),
            new FleetMember("compute-3", newer, REGION_A, Start.ATTACHED),
            new FleetMember("compute-4", newer, REGION_B, Start.ATTACHED),
            new FleetMember("compute-5", newer, REGION_A, Start.PAGESERVER_REFUSES),
            new FleetMember("compute-6", older, REGION_B, Start.POOLED));
    return new FleetPlan(members, "compute-1", "compute-6", older.buildTag());
  }

  public FleetMember member(String name) {
    return members.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new ComputeCtlException("no compute named " + name + " in the fleet"));
  }
}
