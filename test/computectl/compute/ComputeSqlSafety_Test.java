package computectl.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.standin.ControlPlaneStandIn;
import computectl.standin.SpecBuilder;
import computectl.testsupport.ComputeCtlProcess;
import computectl.testsupport.Passwords;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile names, passwords, delta operations and setting values through the whole compute (a pooled
 * start, then /configure twice): every one arrives in Postgres exactly, the roles log in with their
 * passwords, and a canary table that any injected statement would drop survives.
 */
@Tag("e2e")
class ComputeSqlSafety_Test {
  private static final String DROP = "DROP TABLE public.canary";
  private static final String LONG_63 = "é".repeat(31) + "x";
  private static final List<String> ROLES =
      List.of(
          "it's",
          "dq\"uote",
          "back\\slash",
          "dollar$$sign",
          "semi;colon",
          "new\nline",
          "ünïcødé ✓ 名前",
          "\"; " + DROP + "; --",
          "'; " + DROP + "; --",
          "$$; " + DROP + "; $$",
          LONG_63);
  private static final List<String> DATABASES =
      List.of(
          "db it's", "db \"; " + DROP + "; --", "db\nnewline", "db $x$ $$", "д".repeat(31) + "y");
  private static final String SETTING = "it's \\ a \"value\" $$ ; " + DROP + "; -- ✓";

  /** One pageserver stand-in and basebackup for the class; closed after its last test. */
  @RegisterExtension static final ComputeFixture fx = new ComputeFixture();

  private static String password(int i) {
    return "p'w\"\\ $$ ; $x$ ✓ " + i + (i % 3 == 0 ? "\nline" : "");
  }

  /**
   * The hostile spec: md5 and SCRAM hashes of hostile passwords, one raw hostile "hash", delta ops.
   */
  private static String hostileSpec(ComputeFixture.Node node) {
    SpecBuilder spec = fx.spec(node).setting("test.hostile", SETTING, "string");
    for (int i = 0; i < ROLES.size(); i++) {
      String name = ROLES.get(i);
      spec.role(
          name,
          i % 2 == 0
              ? Passwords.md5(name, password(i))
              : Passwords.scram(password(i), ("salt" + i).getBytes(StandardCharsets.UTF_8)));
    }
    spec.role("raw pw", "'; " + DROP + "; --");
    spec.role("renamed \"new\" $$", null);
    for (int i = 0; i < DATABASES.size(); i++) {
      spec.database(DATABASES.get(i), ROLES.get(i));
    }
    JsonObject json = Json.parse(spec.json()).asObject();
    json.add(
        "delta_operations",
        new JsonArray()
            .add(op("rename_role", "old '; " + DROP + "; --", "renamed \"new\" $$"))
            .add(op("delete_role", "doomed $$ \"; " + DROP + "; --", null))
            .add(op("delete_db", "doomed db '; " + DROP + "; --", null)));
    return json.toString();
  }

  private static JsonObject op(String action, String name, String newName) {
    JsonObject o = new JsonObject().add("action", action).add("name", name);
    return newName == null ? o : o.add("new_name", newName);
  }

  @Test
  void hostileSpec_arrivesExactlyAndInjectsNothing() throws Exception {
    ComputeFixture.Node node = ComputeFixture.newNode();
    try (ControlPlaneStandIn cp = ControlPlaneStandIn.start().empty("compute-e2e");
        ComputeCtlProcess cc =
            fx.start(node, null, List.of("--control-plane-uri", cp.uri()), Map.of())) {
      cc.awaitStatus(s -> s.contains("\"status\":\"empty\""), Duration.ofSeconds(60));
      HttpResponse<String> r =
          cc.post("/configure", fx.spec(node).configureBody(), Duration.ofMinutes(2));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      try (Connection admin = admin(node);
          Statement s = admin.createStatement()) {
        s.execute("CREATE TABLE public.canary (id int); INSERT INTO public.canary VALUES (1)");
        s.execute("CREATE ROLE " + ident("old '; " + DROP + "; --") + " LOGIN");
        s.execute("CREATE ROLE " + ident("doomed $$ \"; " + DROP + "; --"));
        s.execute("CREATE DATABASE " + ident("doomed db '; " + DROP + "; --"));
      }
      r =
          cc.post(
              "/configure", SpecBuilder.configureBody(hostileSpec(node)), Duration.ofMinutes(3));
      assertEquals(200, r.statusCode(), r.body() + cc.log());
      try (Connection admin = admin(node);
          Statement s = admin.createStatement()) {
        assertEquals(
            List.of("1"), column(s, "SELECT id FROM public.canary"), "the canary survived");
        List<String> roles = column(s, "SELECT rolname FROM pg_roles");
        for (String role : ROLES) {
          assertTrue(roles.contains(role), "role " + role + " arrived exactly: " + roles);
        }
        assertTrue(
            roles.contains("renamed \"new\" $$") && roles.contains("raw pw"), roles.toString());
        assertTrue(
            roles.stream().noneMatch(x -> x.startsWith("old '") || x.startsWith("doomed")),
            roles.toString());
        List<String> dbs = column(s, "SELECT datname FROM pg_database");
        for (int i = 0; i < DATABASES.size(); i++) {
          assertEquals(
              List.of(ROLES.get(i)),
              owner(admin, DATABASES.get(i)),
              "database " + DATABASES.get(i));
        }
        assertTrue(dbs.stream().noneMatch(x -> x.startsWith("doomed")), dbs.toString());
        assertEquals(List.of(SETTING), column(s, "SHOW test.hostile"));
        assertEquals(
            List.of("63"),
            column(
                s, "SELECT octet_length(rolname) FROM pg_roles WHERE rolname = '" + LONG_63 + "'"),
            "a name of NAMEDATALEN - 1 bytes arrives whole");
        node.requirePasswords(s);
      }
      for (int i = 0; i < ROLES.size(); i++) {
        assertLogin(node, ROLES.get(i), password(i));
      }
      assertEquals(200, cc.post("/terminate", "", Duration.ofSeconds(60)).statusCode());
      assertEquals(0, cc.awaitExit(Duration.ofSeconds(30)), cc.log());
    }
  }

  private static Connection admin(ComputeFixture.Node node) throws SQLException {
    return DriverManager.getConnection(node.jdbcUrl("postgres"), "cloud_admin", "");
  }

  private static String ident(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static List<String> column(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> owner(Connection c, String db) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      ps.setString(1, db);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  private static void assertLogin(ComputeFixture.Node node, String user, String password)
      throws SQLException {
    assertEquals(user, node.login(user, password));
  }
}
