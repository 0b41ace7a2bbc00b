package computectl.postgres;

import computectl.spec.AuditLogLevel;
import computectl.spec.Cluster;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.Feature;
import computectl.spec.GenericOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A mutable way to build the immutable ComputeSpec record in tests: only the fields ConfigWriter
 * reads.
 */
final class SpecBuilder {
  String postgresqlConf;
  List<GenericOption> settings;
  String pageserverConnstring;
  Long shardStripeSize;
  List<String> safekeepers = new ArrayList<>();
  Long safekeepersGeneration;
  String tenantId;
  String timelineId;
  ComputeMode mode = ComputeMode.PRIMARY;
  List<Feature> features = new ArrayList<>();
  boolean dropSubscriptions;
  AuditLogLevel audit = AuditLogLevel.Disabled;

  /**
   * A typical primary: every storage field, a stripe size, an integer and a string setting, and a
   * {@code postgresql_conf} line.
   */
  static SpecBuilder example() {
    SpecBuilder b = new SpecBuilder();
    b.postgresqlConf = "port=55432";
    b.pageserverConnstring = "postgresql://no_user@127.0.0.1:64000";
    b.shardStripeSize = 32768L;
    b.safekeepers.add("127.0.0.1:5454");
    b.tenantId = "b0554b632bd4d547a63b86c3630317e8";
    b.timelineId = "2414a61ffc94e428f14b5758fe308e13";
    b.settings =
        List.of(
            new GenericOption("max_connections", "100", "integer"),
            new GenericOption("listen_addresses", "0.0.0.0", "string"));
    return b;
  }

  /** Storage fields, postgresql_conf and settings all absent. */
  static SpecBuilder bare() {
    return new SpecBuilder();
  }

  ComputeSpec build() {
    Cluster cluster =
        new Cluster("cluster-1", "test", null, List.of(), List.of(), postgresqlConf, settings);
    return new ComputeSpec(
        1.0,
        null,
        features,
        null,
        null,
        null,
        cluster,
        null,
        false,
        tenantId,
        timelineId,
        pageserverConnstring,
        safekeepersGeneration,
        safekeepers,
        mode,
        null,
        null,
        null,
        shardStripeSize,
        null,
        1,
        dropSubscriptions,
        audit);
  }
}
