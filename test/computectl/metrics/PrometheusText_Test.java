package computectl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusText_Test {
  @Test
  void write_sortsLabelsByNameAndSkipsEmptyFamilies() {
    ExportedMetrics m = new ExportedMetrics();
    m.up.set(1, "v1", "running");
    m.cplaneRequests.inc("GetSpec", "200 OK");
    assertEquals(
        "# HELP compute_ctl_up Whether compute_ctl is running\n"
            + "# TYPE compute_ctl_up gauge\n"
            + "compute_ctl_up{build_tag=\"v1\",status=\"running\"} 1\n"
            + "# HELP compute_ctl_cplane_requests_total Total number of control plane requests made"
            + " by compute_ctl by status\n"
            + "# TYPE compute_ctl_cplane_requests_total counter\n"
            + "compute_ctl_cplane_requests_total{http_status=\"200 OK\",rpc=\"GetSpec\"} 1\n"
            + "# HELP compute_audit_log_dir_size Size of audit log directory in bytes\n"
            + "# TYPE compute_audit_log_dir_size gauge\n"
            + "compute_audit_log_dir_size 0\n",
        m.text());
  }

  @Test
  void write_escapesLabelValues() {
    MetricsRegistry r = new MetricsRegistry();
    r.gauge("g", "help \\ text\nmore", "l").set(2.5, "a\"b\\c\nd");
    assertEquals(
        "# HELP g help \\\\ text\\nmore\n# TYPE g gauge\ng{l=\"a\\\"b\\\\c\\nd\"} 2.5\n",
        PrometheusText.write(r));
  }
}
