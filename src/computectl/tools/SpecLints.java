package computectl.tools;

import computectl.spec.ComputeSpec;
import computectl.spec.Database;
import computectl.spec.DeltaOp;
import computectl.spec.Role;
import computectl.util.OneLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Problems the parser and validator accept but that bite later: a rename without {@code new_name}
 * (the compute refuses the spec when applying it), delta operations that are silently ignored,
 * names listed twice, and names Postgres would cut to 63 bytes.
 */
final class SpecLints {
  /** NAMEDATALEN - 1: longer identifiers are truncated by Postgres. */
  static final int MAX_NAME_BYTES = 63;

  private static final List<String> ACTIONS =
      List.of(DeltaOp.DELETE_DB, DeltaOp.RENAME_DB, DeltaOp.DELETE_ROLE, DeltaOp.RENAME_ROLE);

  private SpecLints() {}

  /** {@code skip}: paths whose values are placeholders put in by the repairs, not the author's. */
  static List<SpecProblems.Problem> of(ComputeSpec spec, Set<String> skip) {
    List<SpecProblems.Problem> out = new ArrayList<>();
    List<DeltaOp> ops = spec.deltaOps();
    for (int i = 0; i < ops.size(); i++) {
      DeltaOp op = ops.get(i);
      String at = "delta_operations[" + i + "]";
      if (skip.contains(at + ".action") || skip.contains(at + ".name")) {
        continue;
      }
      if (!ACTIONS.contains(op.action())) {
        out.add(
            warning(
                at + ".action",
                "unknown action "
                    + quote(op.action())
                    + " is ignored (known: "
                    + String.join(", ", ACTIONS)
                    + ")"));
      } else if ((op.is(DeltaOp.RENAME_ROLE) || op.is(DeltaOp.RENAME_DB)) && op.newName() == null) {
        out.add(
            new SpecProblems.Problem(
                SpecProblems.Severity.ERROR,
                at + ".new_name",
                op.action() + " needs new_name (the compute refuses to apply this spec)"));
      }
    }
    List<Role> roles = spec.cluster().roles();
    Map<String, Integer> seenRoles = new HashMap<>();
    for (int i = 0; i < roles.size(); i++) {
      String path = "cluster.roles[" + i + "].name";
      if (!skip.contains(path)) {
        checkName(out, path, "role", roles.get(i).name(), seenRoles, i, "cluster.roles");
      }
    }
    List<Database> dbs = spec.cluster().databases();
    Map<String, Integer> seenDbs = new HashMap<>();
    for (int i = 0; i < dbs.size(); i++) {
      String path = "cluster.databases[" + i + "].name";
      if (!skip.contains(path)) {
        checkName(out, path, "database", dbs.get(i).name(), seenDbs, i, "cluster.databases");
      }
    }
    return out;
  }

  private static void checkName(
      List<SpecProblems.Problem> out,
      String path,
      String kind,
      String name,
      Map<String, Integer> seen,
      int index,
      String list) {
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      out.add(
          warning(
              path,
              kind
                  + " "
                  + quote(name)
                  + " is listed again (first at "
                  + list
                  + "["
                  + first
                  + "])"));
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      out.add(
          warning(
              path,
              kind
                  + " name is "
                  + bytes
                  + " bytes; Postgres cuts names to "
                  + MAX_NAME_BYTES
                  + " bytes"));
    }
  }

  private static SpecProblems.Problem warning(String path, String message) {
    return new SpecProblems.Problem(SpecProblems.Severity.WARNING, path, message);
  }

  private static String quote(String s) {
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return "\"" + OneLine.escape(shown) + "\"";
  }
}
