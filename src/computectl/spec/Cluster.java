package computectl.spec;

import java.util.List;

/** {@code cluster}: the desired roles, databases and settings (behaviour.md 3.3). */
public record Cluster(
    String clusterId,
    String name,
    String state,
    List<Role> roles,
    List<Database> databases,
    String postgresqlConf,
    List<GenericOption> settings) {

  public Cluster {
    roles = List.copyOf(roles);
    databases = List.copyOf(databases);
    settings = settings == null ? null : List.copyOf(settings);
  }
}
