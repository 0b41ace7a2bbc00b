package computectl.tools;

import static computectl.postgres.SqlQuote.ident;

import computectl.reconcile.CatalogSnapshot;
import computectl.reconcile.DatabaseTask;
import computectl.reconcile.Phase;
import computectl.reconcile.Plan;
import computectl.reconcile.SqlStatement;
import computectl.reconcile.Stage;
import computectl.reconcile.Statements;
import computectl.spec.ComputeSpec;
import computectl.spec.DeltaOp;
import computectl.spec.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which statements of a plan would really change the catalog. A plan also holds statements that run
 * on every application and change nothing once done (IF NOT EXISTS guards, grants), and a few that
 * upstream re-runs although they are no-ops: md5 passwords are re-applied on every start (the
 * catalog stores them with the {@code md5} prefix, the spec without), and {@code DROP ... IF
 * EXISTS} is planned for every delete operation. Those are not changes.
 *
 * @param changes the statements that would change something, in plan order
 */
record PlanChanges(List<SqlStatement> changes) {
  /**
   * Objects the housekeeping phases create; a phase is a change only when its object is missing.
   */
  record Housekeeping(
      boolean neonSuperuser, boolean neonSchema, Set<String> extensions, boolean healthCheck) {}

  PlanChanges {
    changes = List.copyOf(changes);
  }

  boolean nothingToDo() {
    return changes.isEmpty();
  }

  static PlanChanges of(
      Plan plan, ComputeSpec spec, CatalogSnapshot catalog, Housekeeping present) {
    Set<String> noops = noopStatements(spec, catalog);
    List<SqlStatement> out = new ArrayList<>();
    for (Stage stage : plan.stages()) {
      for (DatabaseTask task : stage.tasks()) {
        if (task.skipped()) {
          continue;
        }
        for (Phase phase : task.phases()) {
          if (housekeepingChanges(phase.name(), present)) {
            addChanges(phase, noops, out);
          }
        }
      }
    }
    return new PlanChanges(out);
  }

  /** False for a housekeeping phase whose object exists already; true for every other phase. */
  private static boolean housekeepingChanges(String phase, Housekeeping present) {
    return switch (phase) {
      case "CreateNeonSuperuser" -> !present.neonSuperuser();
      case "CreateSchemaNeon" -> !present.neonSchema();
      case "HandleNeonExtension" -> !present.extensions().contains("neon");
      case "CreateAvailabilityCheck" -> !present.healthCheck();
      case "HandleOtherExtensions" -> !present.extensions().contains("pg_stat_statements");
      case "CreatePgauditExtension" -> !present.extensions().contains("pgaudit");
      case "CreatePgauditlogtofileExtension" -> !present.extensions().contains("pgauditlogtofile");
      // Grants and settings that are simply set again; they cannot be told apart cheaply.
      case "ChangeSchemaPerms", "DisablePostgresDBPgAudit" -> false;
      default -> true;
    };
  }

  /**
   * Statements are matched by text; a clean-up statement (the DO block clearing the template flag)
   * goes with the DROP DATABASE after it.
   */
  private static void addChanges(Phase phase, Set<String> noops, List<SqlStatement> out) {
    List<SqlStatement> st = phase.statements();
    for (int i = 0; i < st.size(); i++) {
      String sql = st.get(i).sql();
      boolean cleanupOfNoop =
          sql.startsWith("DO ")
              && i + 1 < st.size()
              && st.get(i + 1).sql().startsWith("DROP DATABASE")
              && noops.contains(st.get(i + 1).sql());
      if (!noops.contains(sql) && !cleanupOfNoop) {
        out.add(st.get(i));
      }
    }
  }

  private static Set<String> noopStatements(ComputeSpec spec, CatalogSnapshot catalog) {
    Set<String> renamedRoles = new HashSet<>();
    Set<String> renamedDbs = new HashSet<>();
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.RENAME_ROLE) && op.newName() != null) {
        renamedRoles.add(op.newName());
      } else if (op.is(DeltaOp.RENAME_DB) && op.newName() != null) {
        renamedDbs.add(op.newName());
      }
    }
    Set<String> specRoles = new HashSet<>();
    Set<String> noops = new HashSet<>();
    Map<String, String> passwords = catalog.rolePasswords();
    for (Role role : spec.cluster().roles()) {
      specRoles.add(role.name());
      boolean noOptions = role.options() == null || role.options().isEmpty();
      if (noOptions
          && passwords.containsKey(role.name())
          && Objects.equals(passwords.get(role.name()), stored(role))) {
        noops.add("ALTER ROLE " + ident(role.name()) + " " + Statements.roleOptions(role, false));
      }
    }
    for (DeltaOp op : spec.deltaOps()) {
      if (op.is(DeltaOp.DELETE_DB)
          && !catalog.databases().containsKey(op.name())
          && !renamedDbs.contains(op.name())) {
        noops.add("DROP DATABASE IF EXISTS " + ident(op.name()) + " WITH (FORCE)");
      } else if (op.is(DeltaOp.DELETE_ROLE)
          && !passwords.containsKey(op.name())
          && !renamedRoles.contains(op.name())
          && !specRoles.contains(op.name())) {
        noops.add("DROP ROLE IF EXISTS " + ident(op.name()));
      }
    }
    return noops;
  }

  /** The password as the catalog keeps it after reconciliation. */
  private static String stored(Role role) {
    String pw = role.encryptedPassword();
    if (pw == null) {
      return null;
    }
    return pw.startsWith("SCRAM-SHA-256") ? pw : "md5" + pw;
  }
}
