package computectl.http;

import computectl.compute.ComputeNode;
import computectl.rsyslog.LogsExportConfigurer;
import computectl.spec.Feature;
import computectl.spec.ParsedSpec;

/**
 * {@code POST /configure_telemetry}: points Postgres log export at a new collector (behaviour.md
 * 12.8).
 */
final class ConfigureTelemetryHandler implements RouteHandler {
  private final ComputeNode node;
  private final LogsExportConfigurer logsExport;

  ConfigureTelemetryHandler(ComputeNode node, LogsExportConfigurer logsExport) {
    this.node = node;
    this.logsExport = logsExport;
  }

  @Override
  public void handle(ApiRequest request) {
    String host =
        ApiJson.optionalString(
            ApiJson.object(ApiJson.parse(request.jsonBody()), ""), "logs_export_host", "");
    ParsedSpec spec = node.spec();
    if (spec == null || !spec.spec().hasFeature(Feature.POSTGRES_LOGS_EXPORT)) {
      throw new ApiError(412, "Postgres logs export feature is not enabled");
    }
    try {
      logsExport.configure(host);
    } catch (ApiError e) {
      throw e;
    } catch (Exception e) {
      throw new ApiError(500, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    request.respondEmpty(204);
  }
}
