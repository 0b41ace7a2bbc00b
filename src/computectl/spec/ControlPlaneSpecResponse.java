package computectl.spec;

/**
 * The control plane's answer to the spec request: {@code spec} may be null when {@code status} is
 * empty.
 */
public record ControlPlaneSpecResponse(
    ComputeSpec spec, Status status, SecurityConfig computeCtlConfig) {
  public enum Status {
    EMPTY,
    ATTACHED
  }
}
