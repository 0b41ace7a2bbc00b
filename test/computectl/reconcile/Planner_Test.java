package computectl.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import computectl.spec.ComputeSpec;
import computectl.spec.Database;
import computectl.spec.GenericOption;
import computectl.spec.Role;
import computectl.standin.SpecBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Planner_Test {
  private static final PlanParams PG15 = new PlanParams(15, "postgres", false);

  private static Plan plan(ComputeSpec spec) {
    return Planner.plan(spec, Catalogs.freshCatalog(), PG15);
  }

  /** The statements of a system-database phase; none when the plan has no such phase. */
  private static List<String> sql(Plan plan, String phase) {
    Phase found = SystemPhases.find(plan, phase);
    return found == null ? List.of() : found.statements().stream().map(SqlStatement::sql).toList();
  }

  private static Stage perDatabaseStage(Plan plan) {
    return plan.stages().stream()
        .filter(s -> s.kind() == Stage.Kind.PER_DATABASE)
        .findFirst()
        .orElseThrow();
  }

  private static DatabaseTask task(Plan plan, Stage.Kind kind, String db) {
    return plan.stages().stream()
        .filter(s -> s.kind() == kind)
        .flatMap(s -> s.tasks().stream())
        .filter(t -> t.database().equals(db))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void databaseOptions_matchesUpstreamVector() {
    Database first = Catalogs.fixtureSpec().cluster().databases().get(0);
    assertEquals(
        "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER \"reader\"",
        Statements.databaseOptions(first));
  }

  @Test
  void roleOptions_matchesUpstreamVector() {
    Role first = Catalogs.fixtureSpec().cluster().roles().get(0);
    assertEquals(
        " LOGIN PASSWORD 'md58c0f6a2d9e4b17c35d2e9a8f1b6c4d70'",
        Statements.roleOptions(first, false));
  }

  @Test
  void roleOptions_nullPasswordScramAndOptions() {
    assertEquals(" LOGIN PASSWORD NULL", Statements.roleOptions(new Role("a", null, null), false));
    assertEquals(
        " LOGIN PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'",
        Statements.roleOptions(new Role("a", "SCRAM-SHA-256$4096:c2FsdA==$a:b", null), false));
    Role withOptions =
        new Role(
            "a",
            null,
            List.of(
                new GenericOption("CONNECTION LIMIT", "5", "integer"),
                new GenericOption("VALID UNTIL", "2030-01-01", "string"),
                new GenericOption("NOINHERIT", null, "bool")));
    assertEquals(
        "CONNECTION LIMIT 5 VALID UNTIL '2030-01-01' NOINHERIT LOGIN PASSWORD NULL",
        Statements.roleOptions(withOptions, false));
  }

  @Test
  void roleOptions_quotesHostilePasswordAsLiteral() {
    assertEquals(
        " LOGIN PASSWORD E'md5a''b\\\\c'",
        Statements.roleOptions(new Role("r", "a'b\\c", null), false));
    assertEquals(
        " LOGIN PASSWORD '<redacted>'",
        Statements.roleOptions(new Role("r", "a'b\\c", null), true));
  }

  @Test
  void plan_fixtureOnFreshCluster_hasUpstreamStatementsInPhaseOrder() {
    Plan plan = Planner.plan(Catalogs.fixtureSpec(), Catalogs.freshCatalog(), PG15);
    List<String> systemPhases =
        plan.stages().stream()
            .filter(Stage::onSystemDatabase)
            .flatMap(s -> s.tasks().stream())
            .flatMap(t -> t.phases().stream())
            .map(Phase::name)
            .distinct()
            .toList();
    assertEquals(
        List.of(
            "CreateNeonSuperuser",
            "DropInvalidDatabases",
            "RenameRoles",
            "CreateAndAlterRoles",
            "RenameAndDeleteDatabases",
            "CreateAndAlterDatabases",
            "CreateSchemaNeon",
            "HandleOtherExtensions",
            "HandleNeonExtension",
            "CreateAvailabilityCheck",
            "DropRoles"),
        systemPhases);
    String create =
        "CREATE ROLE %s INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN ROLE neon_superuser "
            + " LOGIN PASSWORD %s";
    assertEquals(
        List.of(
            String.format(create, "\"postgres\"", "'md58c0f6a2d9e4b17c35d2e9a8f1b6c4d70'"),
            String.format(create, "\"reader\"", "NULL"),
            String.format(
                create, "\"renamed \"\"role\"\"\"", "'md52d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b'"),
            String.format(create, "\"owner_one\"", "'md54a9b8c7d6e5f40312a1b0c9d8e7f6a5b'"),
            String.format(
                create,
                "\"\"\"odd\"\";\\n drop table x;\"",
                "'md52d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b'"),
            String.format(create, "\"MixedCase\"", "'md52d7e1c9b3a5f8e4d6c0b2a1f9e8d7c6b'")),
        sql(plan, "CreateAndAlterRoles"));
    assertEquals(
        List.of(
            "CREATE DATABASE \"Sales2\" LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER"
                + " \"reader\"",
            "GRANT ALL PRIVILEGES ON DATABASE \"Sales2\" TO neon_superuser",
            "CREATE DATABASE \"inventory\"  OWNER \"MixedCase\"",
            "GRANT ALL PRIVILEGES ON DATABASE \"inventory\" TO neon_superuser",
            "CREATE DATABASE \"owner_db\"  OWNER \"owner_one\"",
            "GRANT ALL PRIVILEGES ON DATABASE \"owner_db\" TO neon_superuser"),
        sql(plan, "CreateAndAlterDatabases"));
    assertEquals(List.of("DROP ROLE IF EXISTS \"gone_role\""), sql(plan, "DropRoles"));
    assertEquals(
        List.of(
            "CREATE EXTENSION IF NOT EXISTS neon WITH SCHEMA neon",
            "UPDATE pg_extension SET extrelocatable = true WHERE extname = 'neon'",
            "ALTER EXTENSION neon SET SCHEMA neon",
            "ALTER EXTENSION neon UPDATE"),
        sql(plan, "HandleNeonExtension"));
    assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS neon"), sql(plan, "CreateSchemaNeon"));
    assertTrue(
        sql(plan, "HandleOtherExtensions").isEmpty(), "shared_preload_libraries is only neon");
  }

  @Test
  void plan_fixtureDeltaOps_deleteMissingDbAndSkipMissingRenames() {
    Plan plan = plan(Catalogs.fixtureSpec());
    List<String> rd = sql(plan, "RenameAndDeleteDatabases");
    assertEquals(2, rd.size(), "rename of missing DB is nothing, delete is two statements: " + rd);
    assertTrue(
        rd.get(0).startsWith("DO $xx$") && rd.get(0).contains("datname = $x$old_db$x$"), rd.get(0));
    assertEquals("DROP DATABASE IF EXISTS \"old_db\" WITH (FORCE)", rd.get(1));
    assertTrue(sql(plan, "RenameRoles").isEmpty());
    assertEquals(1, plan.warnings().size());
    assertTrue(
        plan.warnings().get(0).contains("'renamed role' does not exist"), plan.warnings().get(0));
    DatabaseTask preDrop = task(plan, Stage.Kind.PRE_DROP, "old_db");
    assertTrue(preDrop.skipped(), "pre-drop of a missing database opens no connection");
  }

  @Test
  void plan_perDatabaseStage_coversSpecDatabasesThenSystemDb() {
    Plan plan = plan(Catalogs.fixtureSpec());
    Stage perDb =
        plan.stages().stream()
            .filter(s -> s.kind() == Stage.Kind.PER_DATABASE)
            .findFirst()
            .orElseThrow();
    assertEquals(
        List.of("Sales2", "inventory", "owner_db", "postgres"),
        perDb.tasks().stream().map(DatabaseTask::database).toList());
    DatabaseTask db2 = perDb.tasks().get(0);
    assertFalse(db2.skipped());
    assertTrue(
        db2.phases().get(0).isEmpty(), "gone_role does not exist: no role references to delete");
    List<SqlStatement> perms = db2.phases().get(1).statements();
    assertTrue(
        perms.get(0).sql().contains("ALTER SCHEMA public OWNER TO %I', $x$reader$x$"),
        perms.get(0).sql());
    assertTrue(perms.get(1).sql().contains("GRANT CREATE ON SCHEMA public TO web_access"));
    DatabaseTask system = perDb.tasks().get(3);
    assertTrue(system.systemDb() && system.isEmpty());
  }

  @Test
  void plan_webAccessGrant_onlyFromVersion15() {
    ComputeSpec spec = SpecBuilder.spec().role("o", null).database("d", "o").parse();
    Plan pg14 = Planner.plan(spec, Catalogs.freshCatalog(), new PlanParams(14, "postgres", false));
    String grants14 =
        task(pg14, Stage.Kind.PER_DATABASE, "d").phases().get(1).statements().get(1).sql();
    assertFalse(grants14.contains("web_access"), grants14);
    assertTrue(grants14.contains("GRANT ALL ON SEQUENCES TO neon_superuser WITH GRANT OPTION"));
  }

  @Test
  void plan_existingRoles_md5AlwaysAlteredScramEqualSkipped() {
    String scram = "SCRAM-SHA-256$4096:c2FsdA==$x:y";
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("m", "md5aaaa");
    roles.put("s", scram);
    roles.put("n", null);
    ComputeSpec spec =
        SpecBuilder.spec().role("m", "aaaa").role("s", scram).role("n", null).parse();
    Plan plan =
        Planner.plan(
            spec, Catalogs.catalog(roles, List.of(Catalogs.db("postgres", "cloud_admin"))), PG15);
    assertEquals(
        List.of("ALTER ROLE \"m\"  LOGIN PASSWORD 'md5aaaa'"), sql(plan, "CreateAndAlterRoles"));
  }

  @Test
  void plan_renameRole_renamesExistingAndResetsPassword() {
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("old", "md5ffff");
    ComputeSpec spec =
        SpecBuilder.spec().role("new", "ffff").deltaOp("rename_role", "old", "new").parse();
    Plan plan = Planner.plan(spec, Catalogs.catalog(roles, List.of()), PG15);
    assertEquals(List.of("ALTER ROLE \"old\" RENAME TO \"new\""), sql(plan, "RenameRoles"));
    assertEquals(
        List.of("ALTER ROLE \"new\"  LOGIN PASSWORD 'md5ffff'"), sql(plan, "CreateAndAlterRoles"));
    assertTrue(plan.warnings().isEmpty());
  }

  @Test
  void plan_renameWithoutNewName_isClearError() {
    ComputeSpec role = SpecBuilder.spec().deltaOp("rename_role", "a", null).parse();
    ReconcileException e = assertThrows(ReconcileException.class, () -> plan(role));
    assertEquals("delta operation rename_role of 'a' has no new_name", e.getMessage());
    CatalogSnapshot withD =
        Catalogs.catalog(
            Map.of("o", "md5x"),
            List.of(Catalogs.db("postgres", "cloud_admin"), Catalogs.db("d", "o")));
    ComputeSpec db = SpecBuilder.spec().deltaOp("rename_db", "d", null).parse();
    assertEquals(
        "delta operation rename_db of 'd' has no new_name",
        assertThrows(ReconcileException.class, () -> Planner.plan(db, withD, PG15)).getMessage());
  }

  @Test
  void plan_renameDbWithoutNewName_ofAMissingDatabase_isSkippedAsUpstream() {
    ComputeSpec spec = SpecBuilder.spec().deltaOp("rename_db", "gone", null).parse();
    Plan plan = plan(spec);
    assertEquals(List.of(), sql(plan, "RenameAndDeleteDatabases"));
  }

  @Test
  void plan_renameDb_renamesExistingAndLaterPhasesSeeNewName() {
    CatalogSnapshot cat =
        Catalogs.catalog(
            Map.of("o", "md5x"),
            List.of(Catalogs.db("postgres", "cloud_admin"), Catalogs.db("a", "o")));
    ComputeSpec spec = SpecBuilder.spec().database("b", "o").deltaOp("rename_db", "a", "b").parse();
    Plan plan = Planner.plan(spec, cat, PG15);
    assertEquals(
        List.of("ALTER DATABASE \"a\" RENAME TO \"b\""), sql(plan, "RenameAndDeleteDatabases"));
    assertTrue(
        sql(plan, "CreateAndAlterDatabases").isEmpty(), "b exists after the rename, same owner");
    assertFalse(task(plan, Stage.Kind.PER_DATABASE, "b").skipped());
  }

  @Test
  void plan_ownerChange_comparesQuotedCatalogOwnerWithQuotedSpecOwner() {
    CatalogSnapshot cat =
        Catalogs.catalog(
            Map.of(),
            List.of(
                Catalogs.db("q", "\"Weird\""), Catalogs.db("p", "old"), Catalogs.db("same", "x")));
    ComputeSpec spec =
        SpecBuilder.spec()
            .database("q", "Weird")
            .database("p", "new")
            .database("same", "x")
            .parse();
    assertEquals(
        List.of("ALTER DATABASE \"p\" OWNER TO \"new\""),
        sql(Planner.plan(spec, cat, PG15), "CreateAndAlterDatabases"));
  }

  @Test
  void plan_invalidDatabase_droppedThenRecreated() {
    CatalogSnapshot cat =
        Catalogs.catalog(Map.of(), List.of(new Database("broken", "o", null, false, true)));
    ComputeSpec spec = SpecBuilder.spec().database("broken", "o").parse();
    Plan plan = Planner.plan(spec, cat, PG15);
    assertEquals(List.of("DROP DATABASE IF EXISTS \"broken\""), sql(plan, "DropInvalidDatabases"));
    assertEquals(
        "CREATE DATABASE \"broken\"  OWNER \"o\"", sql(plan, "CreateAndAlterDatabases").get(0));
  }

  @Test
  void plan_restrictedDatabase_perDatabasePhasesSkipped() {
    CatalogSnapshot cat =
        Catalogs.catalog(Map.of(), List.of(new Database("locked", "o", null, true, false)));
    Plan plan = Planner.plan(SpecBuilder.spec().database("locked", "o").parse(), cat, PG15);
    DatabaseTask t = task(plan, Stage.Kind.PER_DATABASE, "locked");
    assertEquals("database locked has restrict_conn=true, invalid=false", t.skipReason());
    assertTrue(t.isEmpty());
  }

  @Test
  void plan_deleteRole_referencesInEveryDbExceptOwnedOnes() {
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put("doomed", null);
    roles.put("keeper", null);
    CatalogSnapshot cat =
        Catalogs.catalog(
            roles,
            List.of(
                Catalogs.db("postgres", "cloud_admin"),
                Catalogs.db("k", "keeper"),
                Catalogs.db("own", "doomed")));
    ComputeSpec spec =
        SpecBuilder.spec()
            .database("k", "keeper")
            .database("own", "doomed")
            .deltaOp("delete_role", "doomed", null)
            .parse();
    Plan plan = Planner.plan(spec, cat, PG15);
    List<SqlStatement> k = task(plan, Stage.Kind.PER_DATABASE, "k").phases().get(0).statements();
    assertEquals("REASSIGN OWNED BY \"doomed\" TO \"keeper\"", k.get(0).sql());
    assertTrue(k.get(1).sql().contains("doomed text := $x$doomed$x$;"), k.get(1).sql());
    assertEquals("DROP OWNED BY \"doomed\"", k.get(2).sql());
    assertTrue(task(plan, Stage.Kind.PER_DATABASE, "own").phases().get(0).isEmpty());
    DatabaseTask system = perDatabaseStage(plan).tasks().get(2);
    assertTrue(system.systemDb());
    assertEquals(
        "REASSIGN OWNED BY \"doomed\" TO \"cloud_admin\"",
        system.phases().get(0).statements().get(0).sql());
    assertEquals(List.of("DROP ROLE IF EXISTS \"doomed\""), sql(plan, "DropRoles"));
  }

  @Test
  void plan_deleteDbThatExists_getsPreDropSubscriptionCleanup() {
    CatalogSnapshot cat = Catalogs.catalog(Map.of(), List.of(Catalogs.db("gone", "o")));
    Plan plan =
        Planner.plan(SpecBuilder.spec().deltaOp("delete_db", "gone", null).parse(), cat, PG15);
    DatabaseTask t = task(plan, Stage.Kind.PRE_DROP, "gone");
    assertFalse(t.skipped());
    assertEquals("DropLogicalSubscriptions", t.phases().get(0).name());
    assertTrue(
        t.phases()
            .get(0)
            .statements()
            .get(0)
            .sql()
            .contains("LOCK TABLE pg_subscription IN ACCESS EXCLUSIVE MODE"));
  }

  @Test
  void plan_jwksRole_createdWithoutNeonSuperuser() {
    JsonValue proxy =
        Json.parse(
            "{\"jwks\":[{\"id\":\"1\",\"role_names\":[\"jw\"],\"jwks_url\":\"https://x\","
                + "\"provider_name\":\"p\"}]}");
    Plan plan =
        plan(
            SpecBuilder.spec()
                .role("jw", null)
                .role("plain", null)
                .set("local_proxy_config", proxy)
                .parse());
    assertEquals(
        List.of(
            "CREATE ROLE \"jw\"  LOGIN PASSWORD NULL",
            "CREATE ROLE \"plain\" INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN ROLE"
                + " neon_superuser  LOGIN PASSWORD NULL"),
        sql(plan, "CreateAndAlterRoles"));
  }

  @Test
  void plan_optionalPhases_followSettingsAuditAndSubscriptions() {
    ComputeSpec spec =
        SpecBuilder.spec()
            .setting("shared_preload_libraries", "neon,pg_stat_statements", "string")
            .auditLogLevel("Hipaa")
            .dropSubscriptionsBeforeStart()
            .timeline(SpecBuilder.TIMELINE)
            .database("d", "o")
            .parse();
    Plan plan = Planner.plan(spec, Catalogs.freshCatalog(), new PlanParams(15, "postgres", true));
    assertEquals(
        List.of("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"),
        sql(plan, "HandleOtherExtensions"));
    assertEquals(
        List.of("CREATE EXTENSION IF NOT EXISTS pgaudit"), sql(plan, "CreatePgauditExtension"));
    assertEquals(
        List.of("CREATE EXTENSION IF NOT EXISTS pgauditlogtofile"),
        sql(plan, "CreatePgauditlogtofileExtension"));
    assertEquals(
        List.of("ALTER DATABASE postgres SET pgaudit.log to 'none'"),
        sql(plan, "DisablePostgresDBPgAudit"));
    assertTrue(
        sql(plan, "FinalizeDropLogicalSubscriptions")
            .get(0)
            .contains("neon.drop_subscriptions_done"));
    assertEquals(
        "DropLogicalSubscriptions",
        task(plan, Stage.Kind.PER_DATABASE, "d").phases().get(2).name());
    Plan log = plan(SpecBuilder.spec().auditLogLevel("Log").parse());
    assertNull(SystemPhases.find(log, "CreatePgauditlogtofileExtension"));
    assertNull(SystemPhases.find(log, "FinalizeDropLogicalSubscriptions"));
    assertEquals(
        List.of("ALTER DATABASE postgres SET pgaudit.log to 'none'"),
        sql(log, "DisablePostgresDBPgAudit"));
  }

  @Test
  void plan_dollarQuoting_picksTagsAbsentFromTheName() {
    CatalogSnapshot cat = Catalogs.catalog(Map.of(), List.of(Catalogs.db("a$x$b", "o")));
    Plan plan =
        Planner.plan(SpecBuilder.spec().deltaOp("delete_db", "a$x$b", null).parse(), cat, PG15);
    String unset = sql(plan, "RenameAndDeleteDatabases").get(0);
    assertTrue(unset.startsWith("DO $xxx$\n") && unset.endsWith("\n$xxx$"), unset);
    assertTrue(unset.contains("datname = $xx$a$x$b$xx$"), unset);
  }

  @Test
  void plan_placeholderLikeName_isNotExpandedTwice() {
    CatalogSnapshot cat = Catalogs.catalog(Map.of(), List.of(Catalogs.db("{{outer}}", "o")));
    Plan plan =
        Planner.plan(SpecBuilder.spec().deltaOp("delete_db", "{{outer}}", null).parse(), cat, PG15);
    assertTrue(sql(plan, "RenameAndDeleteDatabases").get(0).contains("datname = $x${{outer}}$x$"));
  }

  @Test
  void print_redactsPasswordsAndKeepsCommentsOnOneLine() {
    Plan plan = plan(Catalogs.fixtureSpec());
    String text = plan.print();
    assertFalse(
        text.contains("8c0f6a2d9e4b17c35d2e9a8f1b6c4d70"), "no password hash in the printed plan");
    assertTrue(text.contains("IN ROLE neon_superuser  LOGIN PASSWORD '<redacted>';"), text);
    assertTrue(text.contains("-- create role \"odd\";\\n drop table x;\n"), text);
    assertTrue(text.contains("-- WARNING: rename_role: role 'renamed role' does not exist"), text);
    assertTrue(
        text.contains("-- database \"old_db\": skipped, database old_db does not exist"), text);
    assertTrue(
        plan.statements().stream().anyMatch(s -> s.contains("8c0f6a2d9e4b17c35d2e9a8f1b6c4d70")));
  }
}
