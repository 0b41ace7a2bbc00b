package computectl.fleet;

/**
 * One compute of the demo fleet as planned: its name (compute id), image, region label and how it
 * starts.
 */
public record FleetMember(String name, FleetImage image, String region, Start start) {
  /** How a member is started, and so the status it settles in. */
  public enum Start {
    /** The control plane answers with a spec: the compute starts and runs. */
    ATTACHED("running"),
    /** Attached, but its pageserver refuses connections: the start fails. */
    PAGESERVER_REFUSES("failed"),
    /** The control plane says "empty": a pooled compute waiting for /configure. */
    POOLED("empty");

    private final String settledStatus;

    Start(String settledStatus) {
      this.settledStatus = settledStatus;
    }

    /** The status (metric spelling) the compute reaches and stays in. */
    public String settledStatus() {
      return settledStatus;
    }
  }

  public String buildTag() {
    return image.buildTag();
  }
}
