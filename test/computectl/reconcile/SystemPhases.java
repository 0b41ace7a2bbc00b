package computectl.reconcile;

/** Finds a phase of a plan's system stages by name, for assertions on what a plan would run. */
final class SystemPhases {
  private SystemPhases() {}

  /** The phase of this name in the system stages, or null. */
  static Phase find(Plan plan, String name) {
    return plan.stages().stream()
        .filter(s -> s.kind() == Stage.Kind.SYSTEM)
        .flatMap(s -> s.tasks().stream())
        .flatMap(t -> t.phases().stream())
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElse(null);
  }
}
