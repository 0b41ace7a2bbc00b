package computectl.compute;

import computectl.postgres.PgCommand;
import computectl.postgres.PgConnector;
import computectl.spec.TlsConfig;
import computectl.util.Failpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the compute needs from the command line and environment, resolved once at start.
 *
 * @param pgdata {@code --pgdata}
 * @param pg how to run {@code postgres} and its sibling tools ({@code --pgbin}, AUTOSCALING's
 *     cgexec)
 * @param connector JDBC connections from {@code --connstr}
 * @param internalHttpPort written to postgresql.conf as {@code neon.extension_server_port}
 * @param env the process environment (AUTOSCALING, AUDIT_LOGGING_ENDPOINT, ...)
 * @param exitGrace how long to keep serving HTTP after a failed start or a terminate (30 s
 *     upstream)
 * @param basebackupFile {@code --basebackup-file}: a tar or tar.gz to unpack instead of asking the
 *     pageserver, or null for the pageserver
 * @param failpoints failpoints from {@code FAILPOINTS} (and {@code /failpoints}), or null when
 *     disabled
 * @param tls compute_ctl_config's TLS key and certificate (control-plane starts only), or null
 * @param resizeSwapOnBind {@code --resize-swap-on-bind}
 * @param diskQuotaFs {@code --set-disk-quota-for-fs}, or null
 */
public record LaunchOptions(
    Path pgdata,
    PgCommand pg,
    PgConnector connector,
    int internalHttpPort,
    Map<String, String> env,
    Duration exitGrace,
    Path basebackupFile,
    Failpoints failpoints,
    TlsConfig tls,
    boolean resizeSwapOnBind,
    String diskQuotaFs) {

  public LaunchOptions {
    env = Map.copyOf(env);
  }

  /** The basebackup comes from the pageserver. */
  public LaunchOptions(
      Path pgdata,
      PgCommand pg,
      PgConnector connector,
      int internalHttpPort,
      Map<String, String> env,
      Duration exitGrace) {
    this(pgdata, pg, connector, internalHttpPort, env, exitGrace, null, null, null, false, null);
  }

  /** The migration id the {@code compute-migration} failpoint makes fail, or null. */
  public Long migrationFailpoint() {
    return failpoints == null ? null : failpoints.migrationToFail();
  }

  public boolean autoscaling() {
    return env.containsKey("AUTOSCALING");
  }
}
