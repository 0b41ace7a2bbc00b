package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.postgres.JdbcConnector;
import computectl.spec.ComputeSpec;
import computectl.standin.SpecBuilder;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Spec application against a real PostgreSQL 15: the upstream fixture, logins, error semantics. */
@Tag("e2e")
class Reconciler_Test {
  private static final List<String> FIXTURE_ROLES =
      List.of(
          "postgres",
          "reader",
          "renamed \"role\"",
          "owner_one",
          "\"odd\";\\n drop table x;",
          "MixedCase");
  private static TestDb db;
  private static Plan fixturePlan;

  @BeforeAll
  static void setUp() throws Exception {
    db = TestDb.start();
    db.prependHba(
        "host all cloud_admin 127.0.0.1/32 trust\n"
            + "host all md5_login 127.0.0.1/32 md5\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n");
    fixturePlan = db.apply(Catalogs.fixtureSpec());
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  @Test
  void apply_fixture_createsRolesWithPasswordsAndMembership() {
    assertEquals(
        "md58c0f6a2d9e4b17c35d2e9a8f1b6c4d70",
        db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'"));
    assertEquals(
        "md52d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b",
        db.one(
            "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = ?", "renamed \"role\""));
    assertNull(db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'reader'"));
    for (String role : FIXTURE_ROLES) {
      assertEquals(
          "true",
          db.one(
              "postgres",
              "SELECT (rolcanlogin AND rolinherit AND rolcreaterole AND rolcreatedb AND"
                  + " rolbypassrls AND rolreplication AND pg_has_role(rolname, 'neon_superuser',"
                  + " 'member'))::text FROM pg_roles WHERE rolname = ?",
              role),
          role);
    }
  }

  @Test
  void apply_fixture_createsNeonSuperuser() {
    assertEquals(
        "f t t t t",
        db.one(
            "postgres",
            "SELECT concat_ws(' ', rolcanlogin, rolcreatedb, rolcreaterole, rolreplication,"
                + " rolbypassrls) FROM pg_roles WHERE rolname = 'neon_superuser'"));
    assertEquals(
        List.of("pg_read_all_data", "pg_write_all_data"),
        db.column(
            "postgres",
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
                + " WHERE m.member = 'neon_superuser'::regrole ORDER BY 1"));
  }

  @Test
  void apply_fixture_createsDatabasesWithOwnersAndOptions() {
    assertEquals(
        "reader C C",
        db.one(
            "postgres",
            "SELECT concat_ws(' ', pg_get_userbyid(datdba), datcollate, datctype) FROM pg_database"
                + " WHERE datname = 'Sales2'"));
    assertEquals(
        "MixedCase",
        db.one(
            "postgres",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'inventory'"));
    assertEquals(
        "owner_one",
        db.one(
            "postgres",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'owner_db'"));
    for (String name : List.of("Sales2", "inventory", "owner_db")) {
      assertEquals(
          "true",
          db.one(
              "postgres",
              "SELECT (has_database_privilege('neon_superuser', ?, 'CREATE, CONNECT,"
                  + " TEMPORARY'))::text",
              name));
      assertEquals(
          "2",
          db.one(
              name,
              "SELECT count(*) FROM pg_default_acl WHERE defaclacl::text LIKE '%neon_superuser=%'"),
          "default privileges for tables and sequences in " + name);
    }
  }

  @Test
  void apply_fixture_installsNeonSchemaExtensionAndHealthCheck() {
    assertEquals(
        "neon",
        db.one(
            "postgres",
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                + " WHERE extname = 'neon'"));
    assertEquals("1", db.one("postgres", "SELECT count(*) FROM health_check WHERE id = 1"));
  }

  @Test
  void apply_fixtureAgain_isIdempotent() {
    String before =
        db.one(
            "postgres",
            "SELECT string_agg(rolname || ':' || coalesce(rolpassword, '-'), ',' ORDER BY rolname)"
                + " FROM pg_authid");
    String dbsBefore =
        db.one(
            "postgres",
            "SELECT string_agg(datname || ':' || datdba, ',' ORDER BY datname) FROM pg_database");
    Plan again = db.apply(Catalogs.fixtureSpec());
    List<String> roles =
        SystemPhases.find(again, "CreateAndAlterRoles").statements().stream()
            .map(SqlStatement::sql)
            .toList();
    assertTrue(
        roles.stream().allMatch(s -> s.startsWith("ALTER ROLE ")),
        "only md5 roles are re-altered: " + roles);
    assertEquals(5, roles.size(), "reader (null password) compares equal");
    assertNull(
        SystemPhases.find(again, "CreateAndAlterDatabases"), "no database to create or alter");
    assertEquals(
        before,
        db.one(
            "postgres",
            "SELECT string_agg(rolname || ':' || coalesce(rolpassword, '-'), ',' ORDER BY rolname)"
                + " FROM pg_authid"));
    assertEquals(
        dbsBefore,
        db.one(
            "postgres",
            "SELECT string_agg(datname || ':' || datdba, ',' ORDER BY datname) FROM pg_database"));
    assertEquals("1", db.one("postgres", "SELECT count(*) FROM health_check"));
    assertFalse(fixturePlan.statements().isEmpty());
  }

  @Test
  void apply_md5AndScramPasswords_allowLoginOverTcp() throws Exception {
    String md5 = PgPasswords.md5Digest("md5 secret 'q'", "md5_login");
    String scram = PgPasswords.scramVerifier("scram secret \\ ✓");
    db.apply(SpecBuilder.spec().role("md5_login", md5).role("scram_login", scram).parse());
    assertEquals(
        "md5" + md5,
        db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'md5_login'"));
    assertEquals(
        scram,
        db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_login'"));
    assertEquals("md5_login", loginEventually("md5_login", "md5 secret 'q'"));
    assertEquals("scram_login", db.loginAs("scram_login", "scram secret \\ ✓"));
    assertEquals(
        "28P01",
        assertThrows(SQLException.class, () -> db.loginAs("md5_login", "wrong")).getSQLState());
    assertEquals(
        "28P01",
        assertThrows(SQLException.class, () -> db.loginAs("scram_login", "wrong")).getSQLState());
  }

  /** pg_hba.conf is reloaded asynchronously after pg_reload_conf(). */
  private static String loginEventually(String user, String password) throws Exception {
    for (int i = 0; ; i++) {
      try {
        return db.loginAs(user, password);
      } catch (SQLException e) {
        if (i > 300) { // 30 s: generous for a loaded machine
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void apply_failingStatement_restOfPhaseRunsThenFirstErrorStopsApplication() {
    db.exec("postgres", "CREATE ROLE survivor");
    ComputeSpec spec =
        SpecBuilder.spec()
            .database("fail_bad1", "no_such_owner_1")
            .database("fail_good", "cloud_admin")
            .database("fail_bad2", "no_such_owner_2")
            .deltaOp("delete_role", "survivor", null)
            .parse();
    ReconcileException e = assertThrows(ReconcileException.class, () -> db.apply(spec));
    assertEquals(
        "phase CreateAndAlterDatabases failed in database postgres at \"create database"
            + " fail_bad1\": ERROR: role \"no_such_owner_1\" does not exist",
        e.getMessage());
    assertEquals("42704", e.sqlState());
    assertEquals(
        "1",
        db.one("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'fail_good'"),
        "later statements of the phase ran");
    assertEquals(
        "1",
        db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'survivor'"),
        "later phases did not run");
  }

  @Test
  void apply_invalidDatabase_isDroppedAndRecreated() {
    db.exec("postgres", "CREATE DATABASE inv_db");
    db.exec("inv_db", "CREATE TABLE marker (i int)");
    db.exec("postgres", "UPDATE pg_database SET datconnlimit = -2 WHERE datname = 'inv_db'");
    Plan plan = db.apply(SpecBuilder.spec().database("inv_db", "cloud_admin").parse());
    assertEquals(
        List.of("DROP DATABASE IF EXISTS \"inv_db\""),
        SystemPhases.find(plan, "DropInvalidDatabases").statements().stream()
            .map(SqlStatement::sql)
            .toList());
    assertEquals(
        "-1", db.one("postgres", "SELECT datconnlimit FROM pg_database WHERE datname = 'inv_db'"));
    assertEquals(
        "0", db.one("inv_db", "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"));
  }

  @Test
  void apply_restrictedDatabase_isSkippedWithoutConnecting() {
    db.exec("postgres", "CREATE DATABASE locked_db ALLOW_CONNECTIONS false");
    Plan plan = db.apply(SpecBuilder.spec().database("locked_db", "cloud_admin").parse());
    DatabaseTask task =
        plan.stages().stream()
            .filter(s -> s.kind() == Stage.Kind.PER_DATABASE)
            .findFirst()
            .orElseThrow()
            .tasks()
            .get(0);
    assertEquals("locked_db", task.database());
    assertTrue(task.skipped());
  }

  @Test
  void plan_dryRun_changesNothing() {
    ComputeSpec spec =
        SpecBuilder.spec().role("dry_role", null).database("dry_db", "dry_role").parse();
    Plan plan =
        Reconciler.plan(db.connector, spec, ApplyContext.of(ApplyMode.RECONFIGURE, spec, null));
    assertTrue(
        plan.print().contains("CREATE DATABASE \"dry_db\"  OWNER \"dry_role\";"), plan.print());
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'dry_role'"));
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'dry_db'"));
  }

  @Test
  void apply_manyDatabasesConcurrently_allGetPerDatabasePhases() {
    SpecBuilder b = SpecBuilder.spec().role("conc_owner", null);
    for (int i = 0; i < 6; i++) {
      b.database("conc_" + i, "conc_owner");
    }
    ComputeSpec spec = b.parse();
    Reconciler.apply(db.connector, spec, new ApplyContext(3, null));
    for (int i = 0; i < 6; i++) {
      assertEquals("2", db.one("conc_" + i, "SELECT count(*) FROM pg_default_acl"), "conc_" + i);
    }
  }

  @Test
  void updateNeonExtension_runsOnInstalledExtensionAndFailsClearlyWithoutIt() {
    Reconciler.updateNeonExtension(db.connector);
    db.exec("postgres", "CREATE DATABASE no_neon_db");
    JdbcConnector elsewhere = JdbcConnector.fromConnstr(db.cluster.url("no_neon_db"));
    ReconcileException e =
        assertThrows(ReconcileException.class, () -> Reconciler.updateNeonExtension(elsewhere));
    assertEquals(
        "ALTER EXTENSION neon UPDATE failed: ERROR: extension \"neon\" does not exist",
        e.getMessage());
  }
}
