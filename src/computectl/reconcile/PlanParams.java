package computectl.reconcile;

/**
 * What a plan depends on besides the spec and the catalog: the server's major version (15 for
 * PostgreSQL 15.x), the system database (from {@code --connstr}) and whether logical subscriptions
 * must be dropped now ({@code drop_subscriptions_before_start} and not yet done for this timeline).
 */
public record PlanParams(int serverMajorVersion, String systemDb, boolean dropSubscriptions) {}
