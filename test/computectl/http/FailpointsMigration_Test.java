package computectl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.ExportedMetrics;
import computectl.postgres.JdbcConnector;
import computectl.reconcile.Migration;
import computectl.reconcile.MigrationRunner;
import computectl.reconcile.ReconcileException;
import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import computectl.util.Failpoints;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The {@code FAILPOINTS} environment form and the {@code compute-migration} failpoint against a
 * real Postgres.
 */
@Tag("e2e")
class FailpointsMigration_Test {
  private static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(1, "CREATE TABLE fp_m1 (i int)"),
          new Migration(2, "CREATE TABLE fp_m2 (i int)"),
          new Migration(3, "CREATE TABLE fp_m3 (i int)"));

  @Test
  void configureAll_computeMigration_failsThatMigrationOnly() throws Exception {
    Failpoints fp = new Failpoints(code -> {});
    fp.configureAll("other=off;compute-migration=return(2)");
    ExportedMetrics metrics = new ExportedMetrics();
    try (LocalCluster pg = TestPg.newCluster()) {
      MigrationRunner runner = new MigrationRunner(MIGRATIONS, metrics, fp.migrationToFail());

      ReconcileException e =
          assertThrows(
              ReconcileException.class,
              () -> runner.run(JdbcConnector.fromConnstr(pg.url("postgres"))));

      assertEquals("migration 2 was configured to fail because of a failpoint", e.getMessage());
      assertEquals("1", pg.psql("postgres", "SELECT id FROM neon_migration.migration_id").trim());
      assertEquals(
          "fp_m1",
          pg.psql(
                  "postgres",
                  "SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename LIKE 'fp_m%'")
              .trim());
      assertEquals(1, metrics.migrationFailed.value("2"));
      assertTrue(
          metrics.text().contains("compute_ctl_db_migration_failed_total{migration_id=\"2\"} 1"),
          metrics.text());
    }
  }

  @Test
  void migrationToFail_unconfigured_isNull() {
    assertNull(new Failpoints(code -> {}).migrationToFail());
  }

  @Test
  void migrationToFail_notANumber_saysWhatIsExpected() {
    Failpoints fp = new Failpoints(code -> {});
    fp.configureAll("compute-migration=return");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fp::migrationToFail);

    assertEquals(
        "failpoint compute-migration must return a migration id, as in return(3); it returned \"\"",
        e.getMessage());
  }

  @Test
  void configureAll_entryWithoutActions_isAClearError() {
    Failpoints fp = new Failpoints(code -> {});

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> fp.configureAll("a=return;compute-migration"));

    assertEquals(
        "invalid failpoint \"compute-migration\": expected <name>=<actions>", e.getMessage());
  }

  @Test
  void configureAll_badActions_nameTheFailpoint() {
    Failpoints fp = new Failpoints(code -> {});

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> fp.configureAll("compute-migration=explode"));

    assertEquals(
        "failed to apply failpoint compute-migration=explode: unrecognized command \"explode\"",
        e.getMessage());
  }
}
