package computectl.monitor;

/** The SQL the compute monitor runs (behaviour.md 8). */
final class ActivityQueries {
  private ActivityQueries() {}

  static final String DATABASE_STATS =
      "SELECT coalesce(sum(active_time), 0.0)::float8 AS total_active_time,"
          + " coalesce(sum(sessions), 0)::bigint AS total_sessions FROM pg_stat_database"
          + " WHERE datname NOT IN ('postgres', 'template0', 'template1');";

  /**
   * Client backends other than ours and cloud_admin's. Upstream formats {@code state_change} in the
   * session time zone and labels it UTC; we convert to UTC first so the label is true.
   */
  static final String BACKENDS =
      "SELECT state, to_char(state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
          + " AS state_change FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid"
          + " != pg_backend_pid() AND usename != 'cloud_admin';";

  static final String REPLICATION =
      "select count(*) from pg_stat_replication where application_name != 'walproposer';";

  static final String SUBSCRIPTIONS =
      "select count(*) from pg_stat_subscription where pid is not null;";

  static final String AUTOVACUUM =
      "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'";
}
