package computectl.reconcile;

import static computectl.postgres.SqlQuote.ident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.ComputeSpec;
import computectl.standin.SpecBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Names and passwords that break naive quoting, applied to a real PostgreSQL: each must arrive
 * exactly, and no fragment may run as SQL of its own (the canary table would disappear).
 */
@Tag("e2e")
class ReconcilerHostile_Test {
  private static final String LONG_63 = "é".repeat(31) + "x";
  private static final List<String> ROLES =
      List.of(
          "it's",
          "dq\"uote",
          "back\\slash",
          "dollar$$sign",
          "$x$",
          "$xx$ tag",
          "semi;colon",
          "new\nline",
          "ünïcødé ✓ 名前",
          "\"; DROP TABLE canary; --",
          "'; DROP TABLE canary; --",
          "$$; DROP TABLE canary; $$",
          "{{outer}}",
          "{fn now()} ?",
          LONG_63);
  private static final List<String> DATABASES =
      List.of(
          "db it's",
          "db \"; DROP TABLE canary; --",
          "db\nnewline",
          "db $x$ {{datname}}",
          "db ünï ✓",
          "db?{d 2020-01-01}&x=1+2",
          "д".repeat(31) + "y");
  private static TestDb db;

  @BeforeAll
  static void setUp() throws Exception {
    db = TestDb.start();
    db.prependHba(
        "host all cloud_admin 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
    db.exec("postgres", "CREATE TABLE canary (id int)", "INSERT INTO canary VALUES (1)");
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  /**
   * A password value per role: not a digest, so Postgres stores a SCRAM verifier of "md5" + value.
   */
  private static String password(int i) {
    return "p'w\"\\ $$ ; $x$ ✓ " + i + (i % 3 == 0 ? "\nline" : "");
  }

  private static ComputeSpec hostileSpec() {
    SpecBuilder b = SpecBuilder.spec();
    for (int i = 0; i < ROLES.size(); i++) {
      b.role(ROLES.get(i), password(i));
    }
    for (int i = 0; i < DATABASES.size(); i++) {
      b.database(DATABASES.get(i), ROLES.get(i));
    }
    return b.parse();
  }

  @Test
  void names_areExactly63BytesWhereIntended() {
    assertEquals(63, LONG_63.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(63, DATABASES.get(DATABASES.size() - 1).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void apply_hostileNamesAndPasswords_roundTripExactly() throws Exception {
    db.apply(hostileSpec());
    db.apply(hostileSpec());
    for (int i = 0; i < ROLES.size(); i++) {
      String stored =
          db.one("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = ?", ROLES.get(i));
      assertTrue(
          stored != null && PgPasswords.scramMatches(stored, "md5" + password(i)),
          "password of role #" + i);
    }
    for (int i = 0; i < DATABASES.size(); i++) {
      assertEquals(
          ROLES.get(i),
          db.one(
              "postgres",
              "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
              DATABASES.get(i)));
      assertEquals(
          "2",
          db.one(DATABASES.get(i), "SELECT count(*) FROM pg_default_acl"),
          "per-database phases ran in #" + i);
    }
    assertEquals("it's", db.loginAs("it's", "md5" + password(0)));
    assertEquals("1", db.one("postgres", "SELECT count(*) FROM canary"));
  }

  @Test
  void apply_hostileDeltaOps_renameAndDeleteExactly() {
    List<String> roles = new ArrayList<>(List.of("del \"role\" $x$ ;", "ren 'role' \\", "owner ✓"));
    db.exec(
        "postgres",
        "CREATE ROLE " + ident(roles.get(0)),
        "CREATE ROLE " + ident(roles.get(1)),
        "CREATE ROLE " + ident(roles.get(2)),
        "CREATE TABLE owned_by_doomed (i int)",
        "ALTER TABLE owned_by_doomed OWNER TO " + ident(roles.get(0)),
        "CREATE DATABASE " + ident("del db $$ '\"") + " OWNER " + ident(roles.get(2)),
        "CREATE DATABASE " + ident("ren db $x$\n"));
    String renamedRole = "renamed $$ \"q\" '";
    String renamedDb = "renamed db {{x}} ;";
    ComputeSpec spec =
        SpecBuilder.spec()
            .role(renamedRole, null)
            .role(roles.get(2), null)
            .database(renamedDb, roles.get(2))
            .deltaOp("delete_role", roles.get(0), null)
            .deltaOp("rename_role", roles.get(1), renamedRole)
            .deltaOp("delete_db", "del db $$ '\"", null)
            .deltaOp("rename_db", "ren db $x$\n", renamedDb)
            .parse();
    db.apply(spec);
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = ?", roles.get(0)));
    assertEquals(
        "cloud_admin",
        db.one("postgres", "SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_doomed'"));
    assertEquals(
        "1", db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = ?", renamedRole));
    assertEquals(
        "0", db.one("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = ?", roles.get(1)));
    assertEquals(
        "0",
        db.one("postgres", "SELECT count(*) FROM pg_database WHERE datname = ?", "del db $$ '\""));
    assertEquals(
        roles.get(2),
        db.one(
            "postgres",
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
            renamedDb));
    assertEquals("1", db.one("postgres", "SELECT count(*) FROM canary"));
  }
}
