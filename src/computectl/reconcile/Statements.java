package computectl.reconcile;

import static computectl.postgres.SqlQuote.ident;
import static computectl.postgres.SqlQuote.literal;

import computectl.postgres.SqlQuote;
import computectl.spec.Database;
import computectl.spec.GenericOption;
import computectl.spec.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The statement texts of behaviour.md 6.4, exactly as upstream writes them (double spaces included)
 * except that passwords are quoted as literals. Pure functions of their arguments.
 */
public final class Statements {
  private Statements() {}

  /**
   * GenericOptions as SQL options: {@code name value} ({@code string} values quoted), joined by
   * spaces.
   */
  public static String genericOptions(List<GenericOption> options) {
    if (options == null) {
      return "";
    }
    return options.stream().map(Statements::option).collect(Collectors.joining(" "));
  }

  private static String option(GenericOption o) {
    if (o.value() == null) {
      return o.name();
    }
    return o.name() + " " + (o.isString() ? literal(o.value()) : o.value());
  }

  /**
   * The role's options, then {@code LOGIN} and its password: an md5 digest gets its {@code md5}
   * prefix, a SCRAM verifier is used as is. Starts with a space when the role has no options.
   */
  public static String roleOptions(Role role, boolean redactPassword) {
    StringBuilder sb = new StringBuilder(genericOptions(role.options())).append(" LOGIN");
    String pw = role.encryptedPassword();
    if (pw == null) {
      return sb.append(" PASSWORD NULL").toString();
    }
    String stored = pw.startsWith("SCRAM-SHA-256") ? pw : "md5" + pw;
    return sb.append(" PASSWORD ")
        .append(redactPassword ? SqlStatement.REDACTED : literal(stored))
        .toString();
  }

  /** The database's options then {@code OWNER}; starts with a space when it has no options. */
  public static String databaseOptions(Database db) {
    return genericOptions(db.options()) + " OWNER " + ident(db.owner());
  }

  static SqlStatement createNeonSuperuser() {
    return SqlStatement.of(
        SqlTemplate.load("sql/create_neon_superuser.sql"), "create role neon_superuser if missing");
  }

  static SqlStatement dropInvalidDatabase(String name) {
    return SqlStatement.of(
        "DROP DATABASE IF EXISTS " + ident(name), "drop invalid database " + name);
  }

  static SqlStatement renameRole(String from, String to) {
    return SqlStatement.of(
        "ALTER ROLE " + ident(from) + " RENAME TO " + ident(to),
        "rename role '" + from + "' to '" + to + "'");
  }

  static SqlStatement alterRole(Role role) {
    String head = "ALTER ROLE " + ident(role.name()) + " ";
    return new SqlStatement(
        head + roleOptions(role, false),
        "alter role " + role.name(),
        head + roleOptions(role, true));
  }

  static SqlStatement createRole(Role role, boolean jwksRole) {
    String head =
        "CREATE ROLE "
            + ident(role.name())
            + (jwksRole
                ? " "
                : " INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN ROLE neon_superuser ");
    return new SqlStatement(
        head + roleOptions(role, false),
        "create role " + role.name(),
        head + roleOptions(role, true));
  }

  static List<SqlStatement> deleteDatabase(String name) {
    SqlQuote.DollarQuoted dq = SqlQuote.dollar(name);
    return List.of(
        SqlStatement.of(
            SqlTemplate.fill("sql/unset_template.sql", "outer", dq.outer(), "datname", dq.quoted()),
            "clear the template flag of database " + name + " if it exists"),
        SqlStatement.of(
            "DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)", "delete database " + name));
  }

  static SqlStatement renameDatabase(String from, String to) {
    return SqlStatement.of(
        "ALTER DATABASE " + ident(from) + " RENAME TO " + ident(to),
        "rename database '" + from + "' to '" + to + "'");
  }

  static SqlStatement alterDatabaseOwner(Database db) {
    return SqlStatement.of(
        "ALTER DATABASE " + ident(db.name()) + " OWNER TO " + ident(db.owner()),
        "change the owner of database " + db.name() + " to " + db.owner());
  }

  static List<SqlStatement> createDatabase(Database db) {
    return List.of(
        SqlStatement.of(
            "CREATE DATABASE " + ident(db.name()) + " " + databaseOptions(db),
            "create database " + db.name()),
        SqlStatement.of(
            "GRANT ALL PRIVILEGES ON DATABASE " + ident(db.name()) + " TO neon_superuser",
            "grant all privileges on database " + db.name() + " to neon_superuser"));
  }

  static SqlStatement createSchemaNeon() {
    return SqlStatement.of(
        "CREATE SCHEMA IF NOT EXISTS neon",
        "create schema neon for the neon extension and its tables");
  }

  /** Frees {@code role} of what it owns and was granted in one database, so it can be dropped. */
  static List<SqlStatement> deleteRoleReferences(String role, String newOwner) {
    SqlQuote.DollarQuoted dq = SqlQuote.dollar(role);
    return List.of(
        SqlStatement.of(
            "REASSIGN OWNED BY " + ident(role) + " TO " + ident(newOwner),
            "reassign objects owned by role " + role + " to " + newOwner),
        SqlStatement.of(
            SqlTemplate.fill(
                "sql/revoke_public_grants.sql", "outer", dq.outer(), "role", dq.quoted()),
            "revoke grants on tables in schema public to role " + role),
        SqlStatement.of("DROP OWNED BY " + ident(role), "drop the privileges of role " + role));
  }

  static List<SqlStatement> changeSchemaPerms(String dbOwner, int serverMajorVersion) {
    SqlQuote.DollarQuoted dq = SqlQuote.dollar(dbOwner);
    // Before 15, PUBLIC could create in schema public anyway.
    String webAccess =
        serverMajorVersion >= 15 ? SqlTemplate.load("sql/web_access_grant.sql") + "\n" : "";
    return List.of(
        SqlStatement.of(
            SqlTemplate.fill(
                "sql/public_schema_owner.sql", "outer", dq.outer(), "owner", dq.quoted()),
            "give schema public to the database owner " + dbOwner + " if the admin owns it"),
        SqlStatement.of(
            SqlTemplate.fill(
                SqlTemplate.load("sql/default_grants.sql"), Map.of("web_access_grant", webAccess)),
            "default privileges in schema public for neon_superuser"));
  }

  static SqlStatement dropSubscriptions(String dbname) {
    SqlQuote.DollarQuoted dq = SqlQuote.dollar(dbname);
    return SqlStatement.of(
        SqlTemplate.fill("sql/drop_subscriptions.sql", "outer", dq.outer(), "datname", dq.quoted()),
        "drop the logical subscriptions of database " + dbname);
  }

  static SqlStatement createPgStatStatements() {
    return SqlStatement.of(
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", "create extension pg_stat_statements");
  }

  static List<SqlStatement> neonExtension() {
    return List.of(
        SqlStatement.of(
            "CREATE EXTENSION IF NOT EXISTS neon WITH SCHEMA neon", "install extension neon"),
        SqlStatement.of(
            "UPDATE pg_extension SET extrelocatable = true WHERE extname = 'neon'",
            "make extension neon relocatable"),
        SqlStatement.of(
            "ALTER EXTENSION neon SET SCHEMA neon", "move extension neon into schema neon"),
        SqlStatement.of("ALTER EXTENSION neon UPDATE", "update extension neon"));
  }

  static SqlStatement healthCheck() {
    return SqlStatement.of(
        SqlTemplate.load("sql/health_check.sql"), "create table health_check if missing");
  }

  static SqlStatement dropRole(String name) {
    return SqlStatement.of("DROP ROLE IF EXISTS " + ident(name), "drop role " + name);
  }

  static SqlStatement finalizeDropSubscriptions() {
    return SqlStatement.of(
        SqlTemplate.load("sql/finalize_drop_subscriptions.sql"),
        "remember that subscriptions were dropped for this timeline");
  }

  static SqlStatement createExtension(String name) {
    return SqlStatement.of("CREATE EXTENSION IF NOT EXISTS " + name, "create extension " + name);
  }

  static SqlStatement disablePgAuditInPostgres() {
    return SqlStatement.of(
        "ALTER DATABASE postgres SET pgaudit.log to 'none'",
        "disable pgaudit logging in database postgres");
  }
}
