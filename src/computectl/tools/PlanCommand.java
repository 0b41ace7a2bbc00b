package computectl.tools;

import computectl.pgwire.ConnInfoException;
import computectl.postgres.JdbcConnector;
import computectl.postgres.PgException;
import computectl.reconcile.ApplyContext;
import computectl.reconcile.ApplyMode;
import computectl.reconcile.CatalogSnapshot;
import computectl.reconcile.Plan;
import computectl.reconcile.Reconciler;
import computectl.reconcile.SqlStatement;
import computectl.spec.ComputeSpec;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecException;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.util.ComputeCtlException;
import computectl.util.ExitCode;
import computectl.util.IoErrors;
import computectl.util.OneLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code compute_ctl plan} (our addition): compares a spec with the live catalog and prints the SQL
 * that reconciliation would run, stage by stage and phase by phase, passwords redacted, without
 * running any of it (the sessions are read-only). Exit 0 when nothing would change, 1 otherwise.
 */
final class PlanCommand {
  static final List<ToolOptions.Option> OPTIONS =
      List.of(
          new ToolOptions.Option(
              "spec-path",
              'S',
              "PATH",
              "Spec JSON file (a bare ComputeSpec, as for compute_ctl -S) (required)"),
          new ToolOptions.Option(
              "connstr",
              'C',
              "DATABASE_URL",
              "Postgres URL to compare with, as compute_ctl's --connstr,"
                  + " e.g. postgresql://cloud_admin@localhost:55433/postgres (required)"));
  static final String APPLICATION_NAME = "compute_ctl:plan";
  private static final String FACTS_QUERY =
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'neon_superuser'),"
          + " EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'neon'),"
          + " EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = 'health_check'),"
          + " (SELECT coalesce(string_agg(extname, ','), '') FROM pg_catalog.pg_extension)";

  private PlanCommand() {}

  static String help() {
    return ToolOptions.help(
        "compute_ctl plan --spec-path <PATH> --connstr <DATABASE_URL>",
        "Print, without running it, the SQL that spec application would run against the live"
            + " catalog.\n"
            + "Exit status: 0 nothing would change, 1 something would change, 2 trouble.",
        OPTIONS);
  }

  static ExitCode run(List<String> args, PrintStream out) {
    ToolOptions o = ToolOptions.parse(OPTIONS, args);
    if (o.has("help")) {
      out.print(help());
      return ExitCode.OK;
    }
    Path specPath = Path.of(o.require("spec-path"));
    String connstr = o.require("connstr");
    ParsedSpec ps = readSpec(specPath);
    ComputeSpec spec = ps.spec();
    if (!spec.mode().isPrimary() || spec.skipPgCatalogUpdates()) {
      out.println(
          "-- nothing to do: reconciliation does not run for this spec ("
              + (spec.skipPgCatalogUpdates()
                  ? "skip_pg_catalog_updates is true"
                  : "mode " + spec.mode().type())
              + ")");
      return ExitCode.OK;
    }
    JdbcConnector jdbc;
    try {
      jdbc = JdbcConnector.fromConnstr(connstr);
    } catch (PgException | ConnInfoException e) {
      throw ToolException.usage("invalid value for '--connstr <DATABASE_URL>': " + e.getMessage());
    }
    ReadOnlyConnector connector = new ReadOnlyConnector(jdbc);
    Plan plan =
        Reconciler.plan(connector, spec, ApplyContext.of(ApplyMode.STARTUP, spec, ps.timelineId()));
    PlanChanges changes = PlanChanges.of(plan, spec, snapshot(connector), housekeeping(connector));
    out.println(
        "-- compute_ctl plan: spec "
            + specPath
            + " against "
            + jdbc
            + " (passwords redacted; nothing was run)");
    out.print(plan.print());
    out.println();
    printSummary(changes, out);
    return changes.nothingToDo() ? ExitCode.OK : ExitCode.FAILURE;
  }

  private static ParsedSpec readSpec(Path path) {
    String json;
    try {
      json = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ToolException("could not read spec file " + path + ": " + IoErrors.describe(e));
    }
    try {
      return SpecValidator.validate(SpecParser.parseSpec(json));
    } catch (SpecException e) {
      throw new ToolException(
          "invalid spec file "
              + path
              + ": "
              + e.getMessage()
              + " ('compute_ctl check-spec' lists every problem)");
    }
  }

  private static void printSummary(PlanChanges changes, PrintStream out) {
    if (changes.nothingToDo()) {
      out.println(
          "-- nothing to do: the catalog already matches the spec (the statements above that are"
              + " not counted are idempotent and run on every start)");
      return;
    }
    out.println(
        "-- "
            + changes.changes().size()
            + " statement"
            + (changes.changes().size() == 1 ? "" : "s")
            + " would change the catalog:");
    for (SqlStatement s : changes.changes()) {
      out.println("--   " + OneLine.escape(s.comment()));
    }
  }

  private static CatalogSnapshot snapshot(ReadOnlyConnector connector) {
    try (Connection c = connector.connect(connector.systemDatabase(), APPLICATION_NAME)) {
      return CatalogSnapshot.read(c);
    } catch (SQLException e) {
      throw new ToolException("reading the catalog failed: " + ComputeCtlException.chain(e), e);
    }
  }

  private static PlanChanges.Housekeeping housekeeping(ReadOnlyConnector connector) {
    try (Connection c = connector.connect(connector.systemDatabase(), APPLICATION_NAME);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(FACTS_QUERY)) {
      rs.next();
      Set<String> extensions = new HashSet<>(List.of(rs.getString(4).split(",")));
      return new PlanChanges.Housekeeping(
          rs.getBoolean(1), rs.getBoolean(2), extensions, rs.getBoolean(3));
    } catch (SQLException e) {
      throw new ToolException("reading the catalog failed: " + ComputeCtlException.chain(e), e);
    }
  }
}
