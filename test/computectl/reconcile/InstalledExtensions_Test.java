package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import computectl.metrics.ExportedMetrics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class InstalledExtensions_Test {
  private static TestDb db;

  @BeforeAll
  static void setUp() {
    db = TestDb.start();
    db.exec(
        "postgres",
        "CREATE EXTENSION neon",
        "CREATE ROLE other_admin SUPERUSER",
        "CREATE DATABASE ext_db",
        "CREATE DATABASE closed_db ALLOW_CONNECTIONS false",
        "CREATE DATABASE broken_db");
    db.exec("ext_db", "SET ROLE other_admin", "CREATE EXTENSION neon", "RESET ROLE");
    db.exec("postgres", "UPDATE pg_database SET datconnlimit = -2 WHERE datname = 'broken_db'");
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  @Test
  void collect_countsDatabasesPerVersionAndOwnerKind() {
    ExportedMetrics metrics = new ExportedMetrics();
    List<InstalledExtensions.InstalledExtension> found =
        InstalledExtensions.collect(db.connector, metrics);
    Set<String> rows =
        found.stream()
            .map(
                e ->
                    e.extname()
                        + " "
                        + e.version()
                        + " "
                        + e.nDatabases()
                        + " "
                        + e.ownedBySuperuser())
            .collect(Collectors.toSet());
    // postgres, template1 and ext_db; template0, closed_db and the invalid broken_db are not
    // visited.
    assertEquals(Set.of("plpgsql 1.0 3 1", "neon 1.5 1 1", "neon 1.5 1 0"), rows);
    assertEquals(3, metrics.installedExtensions.value("plpgsql", "1.0", "1"));
    assertEquals(1, metrics.installedExtensions.value("neon", "1.5", "0"));
  }

  @Test
  void toJson_hasUpstreamShape() {
    assertEquals(
        "{\"extensions\":[{\"extname\":\"neon\",\"version\":\"1.5\",\"n_databases\":2,\"owned_by_superuser\":\"1\"}]}",
        InstalledExtensions.toJson(
            List.of(new InstalledExtensions.InstalledExtension("neon", "1.5", 2, "1"))));
  }
}
