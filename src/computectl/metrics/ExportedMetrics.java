package computectl.metrics;

/**
 * The six families upstream exports (behaviour.md 10.1), in upstream's order. One instance per
 * process; tests make their own.
 */
public final class ExportedMetrics {
  public final MetricsRegistry registry = new MetricsRegistry();
  public final MetricFamily up =
      registry.gauge("compute_ctl_up", "Whether compute_ctl is running", "build_tag", "status");
  public final MetricFamily installedExtensions =
      registry.gauge(
          "compute_installed_extensions",
          "Number of databases where the version of extension is installed",
          "extension_name",
          "version",
          "owned_by_superuser");
  public final MetricFamily cplaneRequests =
      registry.counter(
          "compute_ctl_cplane_requests_total",
          "Total number of control plane requests made by compute_ctl by status",
          "rpc",
          "http_status");
  public final MetricFamily remoteExtRequests =
      registry.counter(
          "compute_ctl_remote_ext_requests_total",
          "Total number of requests made by compute_ctl to download extensions from S3 proxy by"
              + " status",
          "http_status",
          "filename");
  public final MetricFamily migrationFailed =
      registry.counter(
          "compute_ctl_db_migration_failed_total",
          "Total number of failed database migrations",
          "migration_id");
  public final MetricFamily auditLogDirSize =
      registry.gauge("compute_audit_log_dir_size", "Size of audit log directory in bytes");

  public ExportedMetrics() {
    auditLogDirSize.set(0);
  }

  public String text() {
    return PrometheusText.write(registry);
  }
}
