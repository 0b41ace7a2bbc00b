package computectl.reconcile;

import computectl.postgres.SqlQuote;
import computectl.spec.AuditLogLevel;
import computectl.spec.ComputeSpec;
import computectl.spec.Database;
import computectl.spec.DeltaOp;
import computectl.spec.Role;
import computectl.util.OneLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link Plan} of one spec application (behaviour.md 6.3, 6.4) from the spec and a
 * catalog snapshot, without a database. The role and database maps start as the snapshot and are
 * updated phase by phase as upstream does, so that later phases see the intended state. One planner
 * per plan.
 */
public final class Planner {
  static final String CLOUD_ADMIN = "cloud_admin";

  private final ComputeSpec spec;
  private final PlanParams params;

  /** Role name to its catalog password; null values are roles without one. */
  private final Map<String, String> roles;

  private final Map<String, Database> databases;
  private final List<String> warnings = new ArrayList<>();

  private Planner(ComputeSpec spec, CatalogSnapshot catalog, PlanParams params) {
    this.spec = spec;
    this.params = params;
    this.roles = new LinkedHashMap<>(catalog.rolePasswords());
    this.databases = new LinkedHashMap<>(catalog.databases());
  }

  public static Plan plan(ComputeSpec spec, CatalogSnapshot catalog, PlanParams params) {
    return new Planner(spec, catalog, params).build();
  }

  private Plan build() {
    checkDeltaOps();
    List<Stage> stages = new ArrayList<>();
    // The pre-drop stage sees the catalog as it was, before any system phase.
    stages.add(
        new Stage("pre-drop cleanup of databases to delete", Stage.Kind.PRE_DROP, preDropTasks()));
    stages.add(
        systemStage(
            "system phases",
            List.of(
                new Phase("CreateNeonSuperuser", List.of(Statements.createNeonSuperuser())),
                new Phase("DropInvalidDatabases", dropInvalidDatabases()),
                new Phase("RenameRoles", renameRoles()),
                new Phase("CreateAndAlterRoles", createAndAlterRoles()),
                new Phase("RenameAndDeleteDatabases", renameAndDeleteDatabases()))));
    stages.add(
        new Stage(
            "create and alter databases",
            Stage.Kind.SYSTEM_BY_DATABASE,
            createAndAlterDatabases()));
    stages.add(
        systemStage(
            "schema neon",
            List.of(new Phase("CreateSchemaNeon", List.of(Statements.createSchemaNeon())))));
    stages.add(new Stage("each database", Stage.Kind.PER_DATABASE, perDatabaseTasks()));
    stages.add(systemStage("final system phases", finalPhases()));
    return new Plan(stages, warnings);
  }

  /**
   * Upstream panics on a rename_role without new_name; we refuse the spec before running anything.
   * A rename_db without one is checked where the database is looked up: upstream skips it when the
   * database does not exist and panics only when it does.
   */
  private void checkDeltaOps() {
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.RENAME_ROLE) && op.newName() == null) {
        throw noNewName(op);
      }
    }
  }

  private static ReconcileException noNewName(DeltaOp op) {
    return new ReconcileException(
        "delta operation "
            + op.action()
            + " of '"
            + OneLine.escape(op.name())
            + "' has no new_name");
  }

  private Stage systemStage(String name, List<Phase> phases) {
    return new Stage(
        name, Stage.Kind.SYSTEM, List.of(new DatabaseTask(params.systemDb(), true, null, phases)));
  }

  private List<DatabaseTask> preDropTasks() {
    List<DatabaseTask> tasks = new ArrayList<>();
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.DELETE_DB)) {
        tasks.add(
            userDbTask(
                op.name(),
                List.of(
                    new Phase(
                        "DropLogicalSubscriptions",
                        List.of(Statements.dropSubscriptions(op.name()))))));
      }
    }
    return tasks;
  }

  /** A task in a user database, or a skipped one when the database cannot be entered. */
  private DatabaseTask userDbTask(String dbname, List<Phase> phases) {
    Database existing = databases.get(dbname);
    String skip = null;
    if (existing == null) {
      skip = "database " + OneLine.escape(dbname) + " does not exist";
    } else if (existing.restrictConn() || existing.invalid()) {
      skip =
          "database "
              + OneLine.escape(dbname)
              + " has restrict_conn="
              + existing.restrictConn()
              + ", invalid="
              + existing.invalid();
    }
    return new DatabaseTask(dbname, false, skip, skip == null ? phases : List.of());
  }

  private List<SqlStatement> dropInvalidDatabases() {
    List<SqlStatement> out = new ArrayList<>();
    List<String> invalid =
        databases.values().stream().filter(Database::invalid).map(Database::name).toList();
    for (String name : invalid) {
      databases.remove(name);
      out.add(Statements.dropInvalidDatabase(name));
    }
    return out;
  }

  /**
   * Deliberately not upstream's inverted condition (behaviour.md 6.4): rename when the old name
   * exists.
   */
  private List<SqlStatement> renameRoles() {
    List<SqlStatement> out = new ArrayList<>();
    for (DeltaOp op : spec.deltaOps()) {
      if (!op.is(DeltaOp.RENAME_ROLE)) {
        continue;
      }
      if (!roles.containsKey(op.name())) {
        warnings.add(
            "rename_role: role '"
                + OneLine.escape(op.name())
                + "' does not exist, not renaming it to '"
                + OneLine.escape(op.newName())
                + "'");
        continue;
      }
      roles.remove(op.name());
      // The password does not survive the rename for md5 (salted by name), so compare as unknown.
      roles.put(op.newName(), null);
      out.add(Statements.renameRole(op.name(), op.newName()));
    }
    return out;
  }

  private List<SqlStatement> createAndAlterRoles() {
    List<SqlStatement> out = new ArrayList<>();
    for (Role role : spec.cluster().roles()) {
      if (roles.containsKey(role.name())) {
        // md5 digests never compare equal (the catalog adds "md5"), so they are re-applied each
        // time.
        if (!Objects.equals(roles.get(role.name()), role.encryptedPassword())) {
          out.add(Statements.alterRole(role));
        }
      } else {
        boolean jwks =
            spec.localProxyConfig() != null && spec.localProxyConfig().isJwksRole(role.name());
        out.add(Statements.createRole(role, jwks));
      }
    }
    return out;
  }

  private List<SqlStatement> renameAndDeleteDatabases() {
    List<SqlStatement> out = new ArrayList<>();
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.DELETE_DB)) {
        databases.remove(op.name());
        out.addAll(Statements.deleteDatabase(op.name()));
      } else if (op.is(DeltaOp.RENAME_DB)) {
        Database db = databases.remove(op.name());
        if (db != null) {
          if (op.newName() == null) {
            throw noNewName(op);
          }
          databases.put(
              op.newName(),
              new Database(
                  op.newName(), db.owner(), db.options(), db.restrictConn(), db.invalid()));
          out.add(Statements.renameDatabase(op.name(), op.newName()));
        }
      }
    }
    return out;
  }

  /**
   * One task per database of the spec that needs a statement: each database's statements touch only
   * its own catalog row, so the databases are created concurrently (a {@code CREATE DATABASE}
   * copies its template; two at once took about 0.7 of the time of one after the other).
   */
  private List<DatabaseTask> createAndAlterDatabases() {
    // A name listed twice gets one task, its statements in spec order, as upstream runs them.
    Map<String, List<SqlStatement>> byName = new LinkedHashMap<>();
    for (Database db : spec.cluster().databases()) {
      List<SqlStatement> statements = createOrAlterDatabase(db);
      if (!statements.isEmpty()) {
        byName.computeIfAbsent(db.name(), n -> new ArrayList<>()).addAll(statements);
      }
    }
    List<DatabaseTask> tasks = new ArrayList<>();
    byName.forEach(
        (name, statements) ->
            tasks.add(
                new DatabaseTask(
                    name, false, null, List.of(new Phase("CreateAndAlterDatabases", statements)))));
    return tasks;
  }

  private List<SqlStatement> createOrAlterDatabase(Database db) {
    Database existing = databases.get(db.name());
    if (existing == null) {
      databases.put(db.name(), new Database(db.name(), db.owner(), db.options(), false, false));
      return Statements.createDatabase(db);
    }
    String current = existing.owner();
    boolean changeOwner =
        (current != null && current.startsWith("\""))
            ? !SqlQuote.ident(db.owner()).equals(current)
            : !db.owner().equals(current);
    databases.put(
        db.name(),
        new Database(
            existing.name(),
            db.owner(),
            existing.options(),
            existing.restrictConn(),
            existing.invalid()));
    return changeOwner ? List.of(Statements.alterDatabaseOwner(db)) : List.of();
  }

  private List<DatabaseTask> perDatabaseTasks() {
    List<DatabaseTask> tasks = new ArrayList<>();
    for (Database db : spec.cluster().databases()) {
      List<Phase> phases = new ArrayList<>();
      phases.add(new Phase("DeleteDBRoleReferences", deleteRoleReferences(db.owner(), db.owner())));
      phases.add(
          new Phase(
              "ChangeSchemaPerms",
              Statements.changeSchemaPerms(db.owner(), params.serverMajorVersion())));
      if (params.dropSubscriptions()) {
        phases.add(
            new Phase(
                "DropLogicalSubscriptions", List.of(Statements.dropSubscriptions(db.name()))));
      }
      tasks.add(userDbTask(db.name(), phases));
    }
    // The system database: role references only; schema and subscriptions are left alone there.
    List<Phase> system = new ArrayList<>();
    system.add(new Phase("DeleteDBRoleReferences", deleteRoleReferences(null, CLOUD_ADMIN)));
    system.add(new Phase("ChangeSchemaPerms", List.of()));
    if (params.dropSubscriptions()) {
      system.add(new Phase("DropLogicalSubscriptions", List.of()));
    }
    tasks.add(new DatabaseTask(params.systemDb(), true, null, system));
    return tasks;
  }

  /** {@code specOwner} is null for the system database, which no deleted role can own. */
  private List<SqlStatement> deleteRoleReferences(String specOwner, String newOwner) {
    List<SqlStatement> out = new ArrayList<>();
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.DELETE_ROLE)
          && !op.name().equals(specOwner)
          && roles.containsKey(op.name())) {
        out.addAll(Statements.deleteRoleReferences(op.name(), newOwner));
      }
    }
    return out;
  }

  private List<Phase> finalPhases() {
    List<Phase> phases = new ArrayList<>();
    boolean pgss =
        spec.setting("shared_preload_libraries")
            .map(v -> v.contains("pg_stat_statements"))
            .orElse(false);
    phases.add(
        new Phase(
            "HandleOtherExtensions",
            pgss ? List.of(Statements.createPgStatStatements()) : List.of()));
    phases.add(new Phase("HandleNeonExtension", Statements.neonExtension()));
    phases.add(new Phase("CreateAvailabilityCheck", List.of(Statements.healthCheck())));
    phases.add(
        new Phase(
            "DropRoles",
            spec.deltaOps().stream()
                .filter(op -> op.is(DeltaOp.DELETE_ROLE))
                .map(op -> Statements.dropRole(op.name()))
                .toList()));
    if (params.dropSubscriptions()) {
      phases.add(
          new Phase(
              "FinalizeDropLogicalSubscriptions", List.of(Statements.finalizeDropSubscriptions())));
    }
    AuditLogLevel audit =
        spec.auditLogLevel() == null ? AuditLogLevel.Disabled : spec.auditLogLevel();
    if (audit != AuditLogLevel.Disabled) {
      phases.add(
          new Phase("CreatePgauditExtension", List.of(Statements.createExtension("pgaudit"))));
      if (audit == AuditLogLevel.Hipaa) {
        phases.add(
            new Phase(
                "CreatePgauditlogtofileExtension",
                List.of(Statements.createExtension("pgauditlogtofile"))));
      }
      phases.add(
          new Phase("DisablePostgresDBPgAudit", List.of(Statements.disablePgAuditInPostgres())));
    }
    return phases;
  }
}
