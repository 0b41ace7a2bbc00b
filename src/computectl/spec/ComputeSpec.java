package computectl.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compute spec (upstream {@code ComputeSpec}, behaviour.md 3.3), as the control plane, {@code
 * -s} or {@code -S} give it. Optional fields are null when absent; list fields that upstream
 * defaults are never null.
 */
public record ComputeSpec(
    double formatVersion,
    String operationUuid,
    List<Feature> features,
    Long swapSizeBytes,
    Long diskQuotaBytes,
    Boolean disableLfcResizing,
    Cluster cluster,
    List<DeltaOp> deltaOperations,
    boolean skipPgCatalogUpdates,
    String tenantId,
    String timelineId,
    String pageserverConnstring,
    Long safekeepersGeneration,
    List<String> safekeeperConnstrings,
    ComputeMode mode,
    String storageAuthToken,
    RemoteExtSpec remoteExtensions,
    Map<String, String> pgbouncerSettings,
    Long shardStripeSize,
    LocalProxySpec localProxyConfig,
    long reconfigureConcurrency,
    boolean dropSubscriptionsBeforeStart,
    AuditLogLevel auditLogLevel) {

  public ComputeSpec {
    features = List.copyOf(features);
    deltaOperations = deltaOperations == null ? null : List.copyOf(deltaOperations);
    safekeeperConnstrings = List.copyOf(safekeeperConnstrings);
    pgbouncerSettings = pgbouncerSettings == null ? null : Maps.orderedCopy(pgbouncerSettings);
  }

  public boolean hasFeature(Feature feature) {
    return features.contains(feature);
  }

  /** Delta operations in array order; empty when the spec has none. */
  public List<DeltaOp> deltaOps() {
    return deltaOperations == null ? List.of() : deltaOperations;
  }

  /**
   * Value of {@code cluster.settings[name]}: the first entry with that name and a non-null value.
   */
  public Optional<String> setting(String name) {
    return GenericOption.find(cluster.settings(), name);
  }
}
