package computectl.reconcile;

/** When the spec is applied; decides the per-database concurrency (behaviour.md 6.6). */
public enum ApplyMode {
  /** Compute startup (status Init): no user connections yet, so use a share of max_connections. */
  STARTUP,
  /** {@code /configure} reconfiguration: {@code reconfigure_concurrency}. */
  RECONFIGURE
}
