package computectl.reconcile;

import java.util.List;

/** Finds a phase of a plan's system stages by name, for assertions on what a plan would run. */
final class SystemPhases {
  private SystemPhases() {}

  /**
   * The statements of every phase of this name that runs in the system database, as one phase in
   * plan order, or null when there is none.
   */
  static Phase find(Plan plan, String name) {
    List<Phase> phases =
        plan.stages().stream()
            .filter(Stage::onSystemDatabase)
            .flatMap(s -> s.tasks().stream())
            .flatMap(t -> t.phases().stream())
            .filter(p -> p.name().equals(name))
            .toList();
    if (phases.isEmpty()) {
      return null;
    }
    return new Phase(name, phases.stream().flatMap(p -> p.statements().stream()).toList());
  }
}
