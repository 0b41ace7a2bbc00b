package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import computectl.spec.ComputeSpec;
import computectl.standin.SpecBuilder;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Delta operations and logical-subscription cleanup against a real PostgreSQL 15. */
@Tag("e2e")
class ReconcilerDelta_Test {
  /** Two timelines, each a valid id (32 hex digits). */
  private static final String TIMELINE_1 = "11111111111111111111111111111111";

  private static final String TIMELINE_2 = "22222222222222222222222222222222";

  private static TestDb db;

  @BeforeAll
  static void setUp() {
    db = TestDb.start();
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  private static String subscriptionSql(String name) {
    // connect = false: no publisher needed; the subscription keeps a slot name, so a plain
    // DROP SUBSCRIPTION would try to reach the publisher and fail.
    return "CREATE SUBSCRIPTION "
        + name
        + " CONNECTION 'host=127.0.0.1 port=1 dbname=none' PUBLICATION p WITH (connect = false)";
  }

  @Test
  void apply_deleteDb_dropsTemplateDatabaseWithSubscriptionAndOpenConnection() throws Exception {
    db.exec("postgres", "CREATE DATABASE del_tmpl");
    db.exec("del_tmpl", subscriptionSql("del_sub"));
    db.exec("postgres", "ALTER DATABASE del_tmpl is_template true");
    try (Connection open = db.connector.connect("del_tmpl", "held open")) {
      Plan plan = db.apply(SpecBuilder.spec().deltaOp("delete_db", "del_tmpl", null).parse());
      assertFalse(
          plan.stages().get(0).tasks().get(0).skipped(), "pre-drop cleanup ran in del_tmpl");
      assertFalse(open.isValid(1), "WITH (FORCE) ended the other session");
    }
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'del_tmpl'"));
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_subscription WHERE subname = 'del_sub'"));
  }

  @Test
  void apply_renameDb_keepsTheDatabaseAndAppliesNewOwner() {
    db.exec("postgres", "CREATE DATABASE ren_old");
    db.exec("ren_old", "CREATE TABLE kept (i int)");
    String oid = db.one("postgres", "SELECT oid FROM pg_database WHERE datname = 'ren_old'");
    db.apply(
        SpecBuilder.spec()
            .role("ren_owner", null)
            .database("ren_new", "ren_owner")
            .deltaOp("rename_db", "ren_old", "ren_new")
            .parse());
    assertEquals(oid, db.one("postgres", "SELECT oid FROM pg_database WHERE datname = 'ren_new'"));
    assertEquals(
        "ren_owner",
        db.one(
            "postgres",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'ren_new'"));
    assertEquals("1", db.one("ren_new", "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'"));
  }

  @Test
  void apply_deleteRole_reassignsOwnedObjectsAndRevokesGrants() {
    db.exec(
        "postgres",
        "CREATE ROLE keeper",
        "CREATE ROLE doomed",
        "CREATE DATABASE keep_db OWNER keeper",
        "CREATE TABLE doomed_pg_t (i int)",
        "ALTER TABLE doomed_pg_t OWNER TO doomed");
    db.exec(
        "keep_db",
        "CREATE TABLE doomed_t (i int)",
        "ALTER TABLE doomed_t OWNER TO doomed",
        "CREATE TABLE keeper_t (i int)",
        "ALTER TABLE keeper_t OWNER TO keeper",
        "SET ROLE keeper",
        "GRANT SELECT ON keeper_t TO doomed",
        "RESET ROLE");
    db.apply(
        SpecBuilder.spec()
            .role("keeper", null)
            .database("keep_db", "keeper")
            .deltaOp("delete_role", "doomed", null)
            .parse());
    assertEquals("0", db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'doomed'"));
    assertEquals(
        "keeper",
        db.one("keep_db", "SELECT tableowner FROM pg_tables WHERE tablename = 'doomed_t'"));
    assertEquals(
        "cloud_admin",
        db.one("postgres", "SELECT tableowner FROM pg_tables WHERE tablename = 'doomed_pg_t'"));
    assertEquals(
        "0",
        db.one(
            "keep_db",
            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'doomed'"));
  }

  @Test
  void apply_renameRole_renamesExistingRoleAndSetsItsPassword() {
    db.exec(
        "postgres",
        "CREATE ROLE rr_old LOGIN PASSWORD 'md5" + PgPasswords.md5Digest("pw", "rr_old") + "'");
    String oid = db.one("postgres", "SELECT oid FROM pg_roles WHERE rolname = 'rr_old'");
    String hash = PgPasswords.md5Digest("pw", "rr_new");
    Plan plan =
        db.apply(
            SpecBuilder.spec()
                .role("rr_new", hash)
                .deltaOp("rename_role", "rr_old", "rr_new")
                .deltaOp("rename_role", "rr_missing", "rr_other")
                .parse());
    assertEquals(oid, db.one("postgres", "SELECT oid FROM pg_roles WHERE rolname = 'rr_new'"));
    assertEquals(
        "md5" + hash,
        db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'rr_new'"));
    assertEquals(
        List.of("rename_role: role 'rr_missing' does not exist, not renaming it to 'rr_other'"),
        plan.warnings());
    assertEquals(
        "0",
        db.one(
            "postgres", "SELECT count(*) FROM pg_roles WHERE rolname IN ('rr_old', 'rr_other')"));
  }

  @Test
  void apply_dropSubscriptionsBeforeStart_dropsOncePerTimeline() {
    db.exec(
        "postgres",
        "CREATE DATABASE subs_db",
        "ALTER DATABASE postgres SET neon.timeline_id = '" + TIMELINE_1 + "'");
    db.exec("subs_db", subscriptionSql("first_sub"));
    ComputeSpec spec =
        SpecBuilder.spec()
            .database("subs_db", "cloud_admin")
            .dropSubscriptionsBeforeStart()
            .timeline(TIMELINE_1)
            .parse();
    Plan first = db.apply(spec);
    assertEquals("0", db.one("postgres", "SELECT count(*) FROM pg_subscription"));
    assertEquals(
        TIMELINE_1,
        db.one("postgres", "SELECT timeline_id FROM neon.drop_subscriptions_done WHERE id = 1"));
    assertNotNull(SystemPhases.find(first, "FinalizeDropLogicalSubscriptions"));

    db.exec("subs_db", subscriptionSql("later_sub"));
    Plan second = db.apply(spec);
    assertNull(
        SystemPhases.find(second, "FinalizeDropLogicalSubscriptions"),
        "already done for the first timeline");
    assertEquals(
        "1",
        db.one("postgres", "SELECT count(*) FROM pg_subscription WHERE subname = 'later_sub'"));

    db.exec("postgres", "ALTER DATABASE postgres SET neon.timeline_id = '" + TIMELINE_2 + "'");
    db.apply(
        SpecBuilder.spec()
            .database("subs_db", "cloud_admin")
            .dropSubscriptionsBeforeStart()
            .timeline(TIMELINE_2)
            .parse());
    assertEquals(
        "0",
        db.one("postgres", "SELECT count(*) FROM pg_subscription"),
        "a new timeline drops again");
    assertEquals(
        TIMELINE_2,
        db.one("postgres", "SELECT timeline_id FROM neon.drop_subscriptions_done WHERE id = 1"));
  }
}
