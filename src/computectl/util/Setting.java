package computectl.util;

import java.time.Duration;
import java.util.Map;

/**
 * Every {@code COMPUTE_CTL_*} environment variable compute_ctl reads, with its default and what it
 * sets. None exists upstream: they bound what upstream leaves unbounded, or shorten waits for tests
 * and debugging. (The systemd unit's {@code COMPUTE_CTL_ARGS} is the unit's own: compute_ctl never
 * reads it.)
 */
public enum Setting {
  /**
   * Log level: {@code debug}, {@code info}, {@code warn} or {@code error}; anything else is info.
   */
  LOG("COMPUTE_CTL_LOG", "info"),
  /**
   * Seconds to keep serving HTTP after a failed start or a terminate, so the control plane can
   * collect the error; a whole number, 0 allowed.
   */
  EXIT_GRACE_SECONDS("COMPUTE_CTL_EXIT_GRACE_SECONDS", "30"),
  /** Seconds each control-plane request may take (connect and answer). */
  CONTROL_PLANE_TIMEOUT_SECONDS("COMPUTE_CTL_CONTROL_PLANE_TIMEOUT_SECONDS", "30"),
  /** Seconds {@code postgres --sync-safekeepers} may run, at start and at shutdown. */
  SYNC_SAFEKEEPERS_DEADLINE_SECONDS("COMPUTE_CTL_SYNC_SAFEKEEPERS_DEADLINE_SECONDS", "300"),
  /** Seconds one read from the pageserver may wait during the basebackup. */
  BASEBACKUP_READ_TIMEOUT_SECONDS("COMPUTE_CTL_BASEBACKUP_READ_TIMEOUT_SECONDS", "60"),
  /** Seconds one basebackup attempt may take in all; a Neon basebackup is megabytes. */
  BASEBACKUP_DEADLINE_SECONDS("COMPUTE_CTL_BASEBACKUP_DEADLINE_SECONDS", "600"),
  /** Open connections the external HTTP server accepts; more are closed at once. */
  HTTP_MAX_CONNECTIONS("COMPUTE_CTL_HTTP_MAX_CONNECTIONS", "1000"),
  /** Seconds a request's head and body may take to arrive. */
  HTTP_REQUEST_TIMEOUT_SECONDS("COMPUTE_CTL_HTTP_REQUEST_TIMEOUT_SECONDS", "30"),
  /**
   * Seconds between two reads of the TLS certificate by its watcher (a renewal is noticed within
   * this time); 60 as upstream.
   */
  TLS_CERT_POLL_SECONDS("COMPUTE_CTL_TLS_CERT_POLL_SECONDS", "60"),
  /**
   * {@code 1}: before a primary's Postgres starts, the WAL segment after the start LSN's is created
   * empty (sparse) so that Postgres does not write it full of zeros on its way to accepting
   * connections; {@code 0} leaves that to Postgres. Skipped anyway when the spec sets {@code
   * wal_init_zero} on.
   */
  PREALLOCATE_WAL("COMPUTE_CTL_PREALLOCATE_WAL", "1"),
  /** Rounds of the start path's warm-up while a pooled compute waits in Empty; 0 turns it off. */
  WARMUP_ROUNDS("COMPUTE_CTL_WARMUP_ROUNDS", "3"),
  /**
   * Where the warm-up makes its scratch directory; empty (the default): /dev/shm when writable,
   * else the system temporary directory.
   */
  WARMUP_DIR("COMPUTE_CTL_WARMUP_DIR", ""),
  /** {@code debug-bundle}: a JWT for the compute's API when it checks tokens; none by default. */
  DEBUG_TOKEN("COMPUTE_CTL_DEBUG_TOKEN", null);

  private final String variable;
  private final String defaultValue;

  Setting(String variable, String defaultValue) {
    this.variable = variable;
    this.defaultValue = defaultValue;
  }

  /** The environment variable's name. */
  public String variable() {
    return variable;
  }

  /** The value in {@code env}, or the default (null for none). */
  public String value(Map<String, String> env) {
    return env.getOrDefault(variable, defaultValue);
  }

  /**
   * A positive whole number, or the default.
   *
   * @throws ComputeCtlException naming the variable when its value is not one
   */
  public long positive(Map<String, String> env) {
    return EnvNumbers.positive(env, variable, Long.parseLong(defaultValue));
  }

  /** As {@link #positive}, as seconds. */
  public Duration seconds(Map<String, String> env) {
    return Duration.ofSeconds(positive(env));
  }

  /** The default, as seconds. */
  public Duration defaultSeconds() {
    return Duration.ofSeconds(Long.parseLong(defaultValue));
  }
}
