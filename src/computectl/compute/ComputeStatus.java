package computectl.compute;

/**
 * The eight compute statuses (behaviour.md 4.1): snake_case in JSON, kebab-case in metrics and
 * errors.
 */
public enum ComputeStatus {
  EMPTY("empty"),
  CONFIGURATION_PENDING("configuration_pending"),
  INIT("init"),
  RUNNING("running"),
  CONFIGURATION("configuration"),
  FAILED("failed"),
  TERMINATION_PENDING("termination_pending"),
  TERMINATED("terminated");

  private final String json;

  ComputeStatus(String json) {
    this.json = json;
  }

  /** Spelling in {@code /status}: {@code configuration_pending}. */
  public String json() {
    return json;
  }

  /** Spelling in the metric label, the 412 error and logs: {@code configuration-pending}. */
  public String display() {
    return json.replace('_', '-');
  }

  @Override
  public String toString() {
    return display();
  }

  /** The transitions of behaviour.md 4.2, and nothing else. */
  public boolean canMoveTo(ComputeStatus next) {
    switch (this) {
      case EMPTY:
        return next == INIT || next == CONFIGURATION_PENDING || next == TERMINATION_PENDING;
      case CONFIGURATION_PENDING:
        return next == INIT || next == CONFIGURATION;
      case INIT:
        return next == RUNNING || next == FAILED;
      case RUNNING:
        return next == CONFIGURATION_PENDING || next == TERMINATION_PENDING;
      case CONFIGURATION:
        return next == RUNNING || next == FAILED;
      case TERMINATION_PENDING:
        return next == TERMINATED;
      default:
        return false;
    }
  }
}
