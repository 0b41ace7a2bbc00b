package computectl.reconcile;

import computectl.spec.ComputeSpec;
import computectl.spec.Database;
import computectl.spec.SpecParser;
import computectl.testsupport.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reconciliation tests plan against: catalog snapshots, and the upstream fixture spec (specs
 * of their own they build with {@code computectl.standin.SpecBuilder}).
 */
final class Catalogs {
  private Catalogs() {}

  /** The upstream sample spec in test/fixtures. */
  static ComputeSpec fixtureSpec() {
    return SpecParser.parseSpec(Fixtures.read("specs/compute-spec.json"));
  }

  /** A database as the catalog reports it: not restricted, not invalid. */
  static Database db(String name, String owner) {
    return new Database(name, owner, null, false, false);
  }

  static CatalogSnapshot catalog(Map<String, String> roles, List<Database> dbs) {
    Map<String, Database> byName = new LinkedHashMap<>();
    dbs.forEach(d -> byName.put(d.name(), d));
    return new CatalogSnapshot(roles, byName);
  }

  /** A fresh cluster's catalog: cloud_admin and the three initdb databases. */
  static CatalogSnapshot freshCatalog() {
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("cloud_admin", null);
    roles.put("pg_monitor", null);
    return catalog(
        roles,
        List.of(
            db("postgres", "cloud_admin"),
            db("template1", "cloud_admin"),
            new Database("template0", "cloud_admin", null, true, false)));
  }
}
