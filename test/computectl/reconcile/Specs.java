package computectl.reconcile;

import computectl.spec.AuditLogLevel;
import computectl.spec.Cluster;
import computectl.spec.ComputeMode;
import computectl.spec.ComputeSpec;
import computectl.spec.Database;
import computectl.spec.DeltaOp;
import computectl.spec.GenericOption;
import computectl.spec.LocalProxySpec;
import computectl.spec.Role;
import computectl.spec.SpecParser;
import computectl.testsupport.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Specs for reconciliation tests: the upstream fixture, or small ones built field by field. */
final class Specs {
  static final String FIXTURE = "specs/compute-spec.json";

  private Specs() {}

  static ComputeSpec fixture() {
    return SpecParser.parseSpec(Fixtures.read(FIXTURE));
  }

  static Builder builder() {
    return new Builder();
  }

  static Role role(String name, String password) {
    return new Role(name, password, null);
  }

  static Database db(String name, String owner) {
    return new Database(name, owner, null, false, false);
  }

  static CatalogSnapshot catalog(Map<String, String> roles, List<Database> dbs) {
    Map<String, Database> byName = new java.util.LinkedHashMap<>();
    dbs.forEach(d -> byName.put(d.name(), d));
    return new CatalogSnapshot(roles, byName);
  }

  /** A fresh cluster's catalog: cloud_admin and the three initdb databases. */
  static CatalogSnapshot freshCatalog() {
    Map<String, String> roles = new java.util.LinkedHashMap<>();
    roles.put("cloud_admin", null);
    roles.put("pg_monitor", null);
    return catalog(
        roles,
        List.of(
            db("postgres", "cloud_admin"),
            db("template1", "cloud_admin"),
            new Database("template0", "cloud_admin", null, true, false)));
  }

  static final class Builder {
    private final List<Role> roles = new ArrayList<>();
    private final List<Database> dbs = new ArrayList<>();
    private final List<DeltaOp> ops = new ArrayList<>();
    private final List<GenericOption> settings = new ArrayList<>();
    private String postgresqlConf;
    private LocalProxySpec localProxy;
    private AuditLogLevel audit = AuditLogLevel.Disabled;
    private boolean dropSubscriptions;
    private long reconfigureConcurrency = 1;
    private String timelineId;

    Builder role(String name, String password) {
      roles.add(Specs.role(name, password));
      return this;
    }

    Builder role(Role r) {
      roles.add(r);
      return this;
    }

    Builder db(String name, String owner) {
      dbs.add(Specs.db(name, owner));
      return this;
    }

    Builder db(Database d) {
      dbs.add(d);
      return this;
    }

    Builder op(String action, String name, String newName) {
      ops.add(new DeltaOp(action, name, newName));
      return this;
    }

    Builder setting(String name, String value, String vartype) {
      settings.add(new GenericOption(name, value, vartype));
      return this;
    }

    Builder postgresqlConf(String text) {
      postgresqlConf = text;
      return this;
    }

    Builder localProxy(LocalProxySpec spec) {
      localProxy = spec;
      return this;
    }

    Builder audit(AuditLogLevel level) {
      audit = level;
      return this;
    }

    Builder dropSubscriptions(String timeline) {
      dropSubscriptions = true;
      timelineId = timeline;
      return this;
    }

    Builder reconfigureConcurrency(long n) {
      reconfigureConcurrency = n;
      return this;
    }

    ComputeSpec build() {
      Cluster cluster =
          new Cluster(
              "test-cluster",
              null,
              null,
              roles,
              dbs,
              postgresqlConf,
              settings.isEmpty() ? null : settings);
      return new ComputeSpec(
          1.0,
          null,
          List.of(),
          null,
          null,
          null,
          cluster,
          ops.isEmpty() ? null : ops,
          false,
          null,
          timelineId,
          null,
          null,
          List.of(),
          ComputeMode.PRIMARY,
          null,
          null,
          null,
          null,
          localProxy,
          reconfigureConcurrency,
          dropSubscriptions,
          audit);
    }
  }
}
