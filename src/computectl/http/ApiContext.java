package computectl.http;

import computectl.compute.ComputeNode;
import computectl.extension.ExtensionDownloader;
import computectl.metrics.ExportedMetrics;
import computectl.postgres.PgConnector;
import computectl.rsyslog.LogsExportConfigurer;
import computectl.rsyslog.RsyslogLogsExport;
import computectl.spec.Jwk;
import computectl.util.ChildProcesses;
import computectl.util.Failpoints;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the HTTP API needs from the rest of compute_ctl. The process wires one instance from
 * the command line and the control-plane response; tests build their own.
 *
 * @param node the state machine: status, spec, timings
 * @param metrics the Prometheus families served by {@code /metrics}
 * @param computeId {@code --compute-id}, compared with the JWT claim {@code compute_id}
 * @param liveConfigAllowed whether {@code /configure} is accepted (false for {@code -s} starts)
 * @param jwks keys that may sign API tokens; empty turns authorization off
 * @param db JDBC connections for the SQL routes
 * @param pgbin {@code --pgbin}; {@code pg_dump} is taken from its directory
 * @param dumpTarget host, port and user for {@code pg_dump}
 * @param terminator sends the termination signals (SIGTERM to sync-safekeepers, SIGINT to Postgres)
 * @param remoteExtConfig {@code --remote-ext-config}, null when not given
 * @param extensionDownloader installs remote extensions; used only when remoteExtConfig is set
 * @param logsExport reconfigures Postgres log export for {@code /configure_telemetry}
 * @param failpoints the failpoint registry, or null when failpoints are disabled (then {@code
 *     /failpoints} does not exist)
 * @param children where {@code pg_dump} is registered while it runs
 */
public record ApiContext(
    ComputeNode node,
    ExportedMetrics metrics,
    String computeId,
    boolean liveConfigAllowed,
    List<Jwk> jwks,
    PgConnector db,
    Path pgbin,
    PgDumpTarget dumpTarget,
    Runnable terminator,
    String remoteExtConfig,
    ExtensionDownloader extensionDownloader,
    LogsExportConfigurer logsExport,
    Failpoints failpoints,
    ChildProcesses children) {

  public ApiContext {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(computeId, "computeId");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(terminator, "terminator");
    Objects.requireNonNull(logsExport, "logsExport");
    Objects.requireNonNull(children, "children");
    jwks = List.copyOf(jwks);
  }

  public static Builder builder(ComputeNode node, ExportedMetrics metrics, String computeId) {
    return new Builder(node, metrics, computeId);
  }

  /**
   * Optional parts default to "not available": routes needing them answer with upstream's error.
   */
  public static final class Builder {
    private final ComputeNode node;
    private final ExportedMetrics metrics;
    private final String computeId;
    private boolean liveConfigAllowed = true;
    private List<Jwk> jwks = List.of();
    private PgConnector db =
        (dbname, app) -> {
          throw new java.sql.SQLException("no database connection configured");
        };
    private Path pgbin = Path.of("postgres");
    private PgDumpTarget dumpTarget = new PgDumpTarget("localhost", null, "cloud_admin");
    private Runnable terminator;
    private String remoteExtConfig;
    private ExtensionDownloader extensionDownloader;
    private LogsExportConfigurer logsExport = RsyslogLogsExport.system();
    private Failpoints failpoints;
    private ChildProcesses children = new ChildProcesses();

    private Builder(ComputeNode node, ExportedMetrics metrics, String computeId) {
      this.node = node;
      this.metrics = metrics;
      this.computeId = computeId;
    }

    public Builder liveConfigAllowed(boolean v) {
      liveConfigAllowed = v;
      return this;
    }

    public Builder jwks(List<Jwk> v) {
      jwks = v;
      return this;
    }

    public Builder db(PgConnector v) {
      db = v;
      return this;
    }

    public Builder pgbin(Path v) {
      pgbin = v;
      return this;
    }

    public Builder dumpTarget(PgDumpTarget v) {
      dumpTarget = v;
      return this;
    }

    public Builder terminator(Runnable v) {
      terminator = v;
      return this;
    }

    public Builder remoteExtensions(String config, ExtensionDownloader downloader) {
      remoteExtConfig = config;
      extensionDownloader = downloader;
      return this;
    }

    public Builder logsExport(LogsExportConfigurer v) {
      logsExport = v;
      return this;
    }

    public Builder failpoints(Failpoints v) {
      failpoints = v;
      return this;
    }

    public Builder children(ChildProcesses v) {
      children = v;
      return this;
    }

    public ApiContext build() {
      return new ApiContext(
          node,
          metrics,
          computeId,
          liveConfigAllowed,
          jwks,
          db,
          pgbin,
          dumpTarget,
          terminator,
          remoteExtConfig,
          extensionDownloader,
          logsExport,
          failpoints,
          children);
    }
  }
}
