package computectl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.postgres.JdbcConnector;
import computectl.reconcile.ApplyContext;
import computectl.reconcile.ApplyMode;
import computectl.reconcile.Reconciler;
import computectl.spec.ComputeSpec;
import computectl.spec.SpecParser;
import computectl.standin.LocalCluster;
import computectl.testsupport.Passwords;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code compute_ctl plan} against a real PostgreSQL 15 that was reconciled with a base spec. */
@Tag("e2e")
class PlanCommand_Test {
  private static final String ALICE_HASH = Passwords.md5("alice", "alice-pw");
  private static final String BOB_HASH =
      Passwords.scram("bob-pw", "0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static LocalCluster cluster;
  private static Path dir;
  private static ToolRun freshPlan;
  private static String freshBefore;
  private static String freshAfter;

  @BeforeAll
  static void setUp() throws IOException {
    cluster = TestPg.newCluster();
    dir = TestPg.workDir("computectl-plan-");
    freshBefore = fingerprint();
    freshPlan = plan(base());
    freshAfter = fingerprint();
    ComputeSpec spec = SpecParser.parseSpec(base().toString());
    Reconciler.apply(
        JdbcConnector.fromConnstr(cluster.url("postgres")),
        spec,
        ApplyContext.of(ApplyMode.STARTUP, spec, null));
  }

  @AfterAll
  static void tearDown() throws IOException {
    cluster.close();
  }

  /** Roles alice (md5) and bob (SCRAM), databases appdb and olddb. */
  private static JsonObject base() {
    JsonArray roles = new JsonArray().add(role("alice", ALICE_HASH)).add(role("bob", BOB_HASH));
    JsonArray dbs =
        new JsonArray()
            .add(new JsonObject().add("name", "appdb").add("owner", "alice"))
            .add(new JsonObject().add("name", "olddb").add("owner", "bob"));
    return new JsonObject()
        .add("format_version", 1)
        .add("tenant_id", "b0554b632bd4d547a63b86c3630317e8")
        .add("timeline_id", "2414a61ffc94e428f14b5758fe308e13")
        .add("pageserver_connstring", "host=ps")
        .add("safekeeper_connstrings", new JsonArray().add("sk:5454"))
        .add("cluster", new JsonObject().add("roles", roles).add("databases", dbs));
  }

  private static JsonObject role(String name, String hash) {
    return new JsonObject().add("name", name).add("encrypted_password", hash);
  }

  private static JsonArray roles(JsonObject spec) {
    return spec.get("cluster").asObject().get("roles").asArray();
  }

  private static JsonObject withDelta(JsonObject spec, String action, String name, String newName) {
    JsonObject op = new JsonObject().add("action", action).add("name", name);
    if (newName != null) {
      op.add("new_name", newName);
    }
    return spec.add("delta_operations", new JsonArray().add(op));
  }

  private static ToolRun plan(JsonObject spec) throws IOException {
    Path f = Files.createTempFile(dir, "spec-", ".json");
    Files.writeString(f, spec.toString());
    return ToolRun.of("plan", "--spec-path", f.toString(), "--connstr", cluster.url("postgres"));
  }

  /**
   * Roles with their passwords, databases with owners, schemas and extensions: what a plan must
   * leave alone.
   */
  private static String fingerprint() throws IOException {
    return cluster.psql(
        "postgres",
        "SELECT (SELECT string_agg(rolname || '=' || coalesce(rolpassword, '-'), ',' ORDER BY"
            + " rolname) FROM pg_authid) || ' | ' || (SELECT string_agg(datname || ':' ||"
            + " pg_get_userbyid(datdba), ',' ORDER BY datname) FROM pg_database) || ' | ' ||"
            + " (SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace) || ' | ' ||"
            + " coalesce((SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension), '')"
            + " || ' | ' || (SELECT count(*) FROM pg_tables WHERE tablename = 'health_check')");
  }

  @Test
  void plan_alreadyReconciled_printsNothingToDoAndExitsZero() throws IOException {
    ToolRun r = plan(base());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("-- nothing to do: the catalog already matches the spec"), r.toString());
    // Upstream re-applies md5 passwords on every start; the plan shows it but does not count it.
    assertTrue(r.out().contains("ALTER ROLE \"alice\"  LOGIN PASSWORD '<redacted>'"), r.toString());
    assertFalse(r.out().contains("ALTER ROLE \"bob\""), r.toString());
  }

  @Test
  void plan_newRole_showsCreateRole() throws IOException {
    JsonObject spec = base();
    roles(spec).add(role("carol", Passwords.md5("carol", "carol-pw")));
    ToolRun r = plan(spec);
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.out()
            .contains(
                "-- phase CreateAndAlterRoles in system database \"postgres\"\n"
                    + "-- alter role alice\n"
                    + "ALTER ROLE \"alice\"  LOGIN PASSWORD '<redacted>';\n"
                    + "-- create role carol\n"
                    + "CREATE ROLE \"carol\" INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN"
                    + " ROLE neon_superuser  LOGIN PASSWORD '<redacted>';"),
        r.toString());
    assertTrue(
        r.out().contains("-- 1 statement would change the catalog:\n--   create role carol\n"),
        r.toString());
  }

  @Test
  void plan_changedPassword_showsAlterRoleWithoutTheHash() throws IOException {
    JsonObject spec = base();
    String newHash = Passwords.md5("alice", "new-pw");
    roles(spec).set(0, role("alice", newHash));
    ToolRun r = plan(spec);
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.out().contains("-- alter role alice\nALTER ROLE \"alice\"  LOGIN PASSWORD '<redacted>';"),
        r.toString());
    assertTrue(r.out().contains("--   alter role alice\n"), r.toString());
    assertFalse(r.out().contains(newHash) || r.out().contains(ALICE_HASH), "no hash is printed");
  }

  @Test
  void plan_renamedRole_showsRename() throws IOException {
    JsonObject spec = withDelta(base(), "rename_role", "bob", "robert");
    roles(spec).set(1, role("robert", BOB_HASH));
    ToolRun r = plan(spec);
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.out()
            .contains(
                "-- phase RenameRoles in system database \"postgres\"\n"
                    + "-- rename role 'bob' to 'robert'\n"
                    + "ALTER ROLE \"bob\" RENAME TO \"robert\";"),
        r.toString());
    assertTrue(r.out().contains("--   rename role 'bob' to 'robert'\n"), r.toString());
  }

  @Test
  void plan_droppedDatabase_showsDropDatabase() throws IOException {
    ToolRun r = plan(withDelta(base(), "delete_db", "olddb", null));
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.out()
            .contains("-- delete database olddb\nDROP DATABASE IF EXISTS \"olddb\" WITH (FORCE);"),
        r.toString());
    assertTrue(
        r.out().contains("-- phase DropLogicalSubscriptions in database \"olddb\""), r.toString());
    assertTrue(r.out().contains("--   delete database olddb\n"), r.toString());
  }

  @Test
  void plan_deleteOfAMissingDatabaseOrRole_isNothingToDo() throws IOException {
    ToolRun db = plan(withDelta(base(), "delete_db", "ghostdb", null));
    assertEquals(0, db.exit(), db.toString());
    assertTrue(
        db.out().contains("DROP DATABASE IF EXISTS \"ghostdb\" WITH (FORCE);"), db.toString());
    ToolRun role = plan(withDelta(base(), "delete_role", "ghost", null));
    assertEquals(0, role.exit(), role.toString());
  }

  @Test
  void plan_onAFreshCluster_countsTheHousekeepingAndChangesNothing() {
    assertEquals(1, freshPlan.exit(), freshPlan.toString());
    assertTrue(
        freshPlan.out().contains("--   create role neon_superuser if missing\n"),
        freshPlan.toString());
    assertTrue(
        freshPlan.out().contains("--   create schema neon for the neon extension and its tables\n"),
        freshPlan.toString());
    assertTrue(freshPlan.out().contains("--   create database appdb\n"), freshPlan.toString());
    assertEquals(
        freshBefore,
        freshAfter,
        "the plan ran nothing: no neon_superuser, no schema neon, no roles");
  }

  @Test
  void plan_neverModifiesTheCatalog() throws IOException {
    String before = fingerprint();
    JsonObject spec = withDelta(base(), "delete_db", "olddb", null);
    roles(spec).set(0, role("alice", Passwords.md5("alice", "other")));
    roles(spec).add(role("dave", null));
    assertEquals(1, plan(spec).exit());
    assertEquals(1, plan(withDelta(base(), "rename_role", "bob", "robert")).exit());
    assertEquals(before, fingerprint());
  }

  @Test
  void plan_replicaSpec_hasNothingToDo() throws IOException {
    ToolRun r = plan(base().add("mode", "Replica"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("reconciliation does not run for this spec (mode replica)"), r.toString());
  }

  @Test
  void plan_unreachablePostgres_isTrouble() throws IOException {
    Path f = Files.createTempFile(dir, "spec-", ".json");
    Files.writeString(f, base().toString());
    ToolRun r =
        ToolRun.of(
            "plan",
            "-S",
            f.toString(),
            "-C",
            "postgresql://cloud_admin@127.0.0.1:" + TestPg.freePort() + "/postgres");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(
        r.err().contains("compute_ctl plan: could not connect to the system database postgres"),
        r.toString());
  }

  @Test
  void plan_invalidSpec_pointsToCheckSpec() throws IOException {
    Path f = Files.createTempFile(dir, "spec-", ".json");
    Files.writeString(f, "{\"format_version\":1,\"cluster\":{\"roles\":[],\"databases\":[]}}");
    ToolRun r = ToolRun.of("plan", "-S", f.toString(), "-C", cluster.url("postgres"));
    assertEquals(2, r.exit(), r.toString());
    assertTrue(
        r.err()
            .contains(
                "pageserver connstr should be provided ('compute_ctl check-spec' lists every"
                    + " problem)"),
        r.toString());
  }
}
