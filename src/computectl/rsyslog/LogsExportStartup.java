package computectl.rsyslog;

import computectl.spec.ComputeSpec;
import computectl.spec.Feature;
import computectl.util.ComputeCtlException;
import computectl.util.Log;

/**
 * Postgres log export at start-up (behaviour.md 5.2 step 6, 12.8): with feature {@code
 * postgres_logs_export}, point rsyslog at the project's collector; without a {@code cluster_id}
 * only warn. {@code /configure_telemetry} later sets any host through the same {@link
 * LogsExportConfigurer} ({@link computectl.rsyslog.RsyslogLogsExport}).
 */
public final class LogsExportStartup {
  private LogsExportStartup() {}

  /**
   * The project's collector: {@code
   * config-<project>-collector.neon-telemetry.svc.cluster.local:10514}.
   */
  public static String defaultHost(String projectId) {
    return "config-" + projectId + "-collector.neon-telemetry.svc.cluster.local:10514";
  }

  /**
   * @return the host configured, or null when export is off or the project is unknown
   * @throws ComputeCtlException when rsyslog cannot be configured (startup fails)
   */
  public static String configure(ComputeSpec spec, LogsExportConfigurer export) {
    if (!spec.hasFeature(Feature.POSTGRES_LOGS_EXPORT)) {
      return null;
    }
    String projectId = spec.cluster().clusterId();
    if (projectId == null) {
      Log.warn("not configuring rsyslog for Postgres logs export: project ID is missing");
      return null;
    }
    String host = defaultHost(projectId);
    try {
      export.configure(host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while configuring Postgres logs export", e);
    } catch (Exception e) {
      throw new ComputeCtlException("configuring Postgres logs export: " + e.getMessage(), e);
    }
    return host;
  }
}
