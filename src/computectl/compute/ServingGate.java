package computectl.compute;

/**
 * What the start waits for before it fetches the basebackup: the HTTP servers, which the launcher
 * binds on another thread while a start from a spec file resets PGDATA, writes the configuration
 * and syncs the safekeepers. Postgres never starts unless they serve.
 */
@FunctionalInterface
public interface ServingGate {
  /** Servers bound before the start began (a pooled compute). */
  ServingGate OPEN = () -> {};

  /**
   * Returns once the servers serve.
   *
   * @throws ServingFailedException when they could not be bound: the process ends instead of the
   *     start failing, as when the bind comes before the start
   */
  void await();
}
