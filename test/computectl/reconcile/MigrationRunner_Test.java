package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.ExportedMetrics;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class MigrationRunner_Test {
  private static TestDb db;

  @BeforeAll
  static void setUp() {
    db = TestDb.start();
    db.exec("postgres", Statements.createNeonSuperuser().sql());
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  /** Runs migrations in a database of their own, so each test starts from id 0. */
  private static long runIn(String dbname, MigrationRunner runner) throws Exception {
    try (Connection c = db.connector.connect(dbname, MigrationRunner.APPLICATION_NAME)) {
      return runner.run(c);
    }
  }

  @Test
  void builtIn_hasElevenMigrationsWithFiveToNineWithdrawn() {
    List<Migration> all = Migration.builtIn();
    assertEquals(11, all.size());
    for (Migration m : all) {
      assertEquals(m.id() >= 5 && m.id() <= 9, m.skipped(), "migration " + m.id());
    }
    assertEquals("ALTER ROLE neon_superuser BYPASSRLS", all.get(0).sql());
  }

  @Test
  void run_builtIn_appliesEachMigrationOnce() {
    db.exec(
        "postgres",
        "CREATE ROLE mig_member NOINHERIT IN ROLE neon_superuser",
        "CREATE ROLE mig_plain BYPASSRLS");
    ExportedMetrics metrics = new ExportedMetrics();
    assertEquals(11, new MigrationRunner(metrics).run(db.connector));
    assertEquals("11", db.one("postgres", "SELECT id FROM neon_migration.migration_id"));
    assertEquals(
        "true",
        db.one(
            "postgres",
            "SELECT rolbypassrls::text FROM pg_roles WHERE rolname = 'neon_superuser'"));
    assertEquals(
        "true",
        db.one("postgres", "SELECT rolinherit::text FROM pg_roles WHERE rolname = 'mig_member'"));
    assertEquals(
        "false",
        db.one("postgres", "SELECT rolbypassrls::text FROM pg_roles WHERE rolname = 'mig_plain'"));
    assertEquals(
        "true",
        db.one(
            "postgres",
            "SELECT admin_option::text FROM pg_auth_members"
                + " WHERE roleid = 'pg_monitor'::regrole AND member = 'neon_superuser'::regrole"));
    assertEquals(
        "true",
        db.one(
            "postgres",
            "SELECT has_function_privilege('neon_superuser', 'pg_show_replication_origin_status()',"
                + " 'EXECUTE')::text"));
    assertEquals(
        "cloud_admin",
        db.one(
            "postgres",
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'neon_migration'"));

    db.exec("postgres", "ALTER ROLE mig_plain BYPASSRLS");
    assertEquals(11, new MigrationRunner(metrics).run(db.connector));
    assertEquals(
        "true",
        db.one("postgres", "SELECT rolbypassrls::text FROM pg_roles WHERE rolname = 'mig_plain'"),
        "not run twice");
    assertTrue(metrics.migrationFailed.snapshot().isEmpty());
  }

  @Test
  void run_failingMigration_countsRollsBackAndStops() throws Exception {
    db.exec("postgres", "CREATE DATABASE mig_fail");
    ExportedMetrics metrics = new ExportedMetrics();
    MigrationRunner runner =
        new MigrationRunner(
            List.of(
                new Migration(1, "CREATE TABLE m1 (i int)"),
                new Migration(2, "CREATE TABLE m2 (i int); SELECT no_such_function()"),
                new Migration(3, "CREATE TABLE m3 (i int)")),
            metrics,
            null);
    ReconcileException e = assertThrows(ReconcileException.class, () -> runIn("mig_fail", runner));
    assertEquals(
        "apply migration 2: ERROR: function no_such_function() does not exist", e.getMessage());
    assertEquals(1, metrics.migrationFailed.value("2"));
    assertEquals("1", db.one("mig_fail", "SELECT id FROM neon_migration.migration_id"));
    assertEquals(
        List.of("m1"),
        db.column(
            "mig_fail", "SELECT tablename FROM pg_tables WHERE tablename LIKE 'm_' ORDER BY 1"));
    assertThrows(ReconcileException.class, () -> runIn("mig_fail", runner));
    assertEquals(2, metrics.migrationFailed.value("2"));
    assertEquals(0, metrics.migrationFailed.value("3"));
    assertTrue(
        metrics.text().contains("compute_ctl_db_migration_failed_total{migration_id=\"2\"} 2"),
        metrics.text());
  }

  @Test
  void run_failpoint_failsThatMigration() throws Exception {
    db.exec("postgres", "CREATE DATABASE mig_fp");
    ExportedMetrics metrics = new ExportedMetrics();
    MigrationRunner runner =
        new MigrationRunner(List.of(new Migration(1, "CREATE TABLE f1 (i int)")), metrics, 1L);
    ReconcileException e = assertThrows(ReconcileException.class, () -> runIn("mig_fp", runner));
    assertEquals("migration 1 was configured to fail because of a failpoint", e.getMessage());
    assertEquals(1, metrics.migrationFailed.value("1"));
    assertEquals("0", db.one("mig_fp", "SELECT count(*) FROM pg_tables WHERE tablename = 'f1'"));
    assertEquals("0", db.one("mig_fp", "SELECT id FROM neon_migration.migration_id"));
  }

  @Test
  void run_skippedMigration_stillAdvancesTheId() throws Exception {
    db.exec("postgres", "CREATE DATABASE mig_skip");
    MigrationRunner runner =
        new MigrationRunner(
            List.of(
                new Migration(1, "-- SKIP: withdrawn\nSELECT no_such_function()"),
                new Migration(2, "CREATE TABLE s2 (i int)")),
            new ExportedMetrics(),
            null);
    assertEquals(2, runIn("mig_skip", runner));
    assertEquals("2", db.one("mig_skip", "SELECT id FROM neon_migration.migration_id"));
    assertEquals("1", db.one("mig_skip", "SELECT count(*) FROM pg_tables WHERE tablename = 's2'"));
  }
}
