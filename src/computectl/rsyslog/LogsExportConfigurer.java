package computectl.rsyslog;

/**
 * Points Postgres log forwarding at a collector (behaviour.md 12.8), for {@code
 * /configure_telemetry}.
 */
@FunctionalInterface
public interface LogsExportConfigurer {
  /**
   * @param host {@code <host>:<port>}, or null / empty to stop exporting
   * @throws Exception any failure; its message becomes the 500 error text
   */
  void configure(String host) throws Exception;
}
