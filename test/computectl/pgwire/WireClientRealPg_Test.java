package computectl.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.standin.LocalCluster;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The client against a real PostgreSQL 15: md5, SCRAM-SHA-256 and cleartext roles, queries and
 * COPY.
 */
@Tag("e2e")
class WireClientRealPg_Test {
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = TestPg.newCluster();
    cluster.psql(
        "postgres",
        "set password_encryption = 'md5'; create role md5_user login password 'md5 secret';set"
            + " password_encryption = 'scram-sha-256'; create role scram_user login password 'scram"
            + " secret';create role unicode_user login password 'pässwörd ﬁ';create role plain_user"
            + " login password 'plain secret'");
    Path hba = cluster.dataDir().resolve("pg_hba.conf");
    String rules =
        String.join(
            "\n",
            "host all md5_user 127.0.0.1/32 md5",
            "host all scram_user 127.0.0.1/32 scram-sha-256",
            "host all unicode_user 127.0.0.1/32 scram-sha-256",
            "host all plain_user 127.0.0.1/32 password",
            "");
    Files.writeString(hba, rules + Files.readString(hba));
    cluster.psql("postgres", "select pg_reload_conf()");
  }

  @AfterAll
  static void stopCluster() throws IOException {
    cluster.close();
  }

  private static WireClient connect(String user, String password) {
    ConnInfo info =
        ConnInfo.parse("postgresql://" + user + "@127.0.0.1:" + cluster.port() + "/postgres");
    return WireClient.connect(
        info,
        password,
        Map.of("application_name", "wire-real"),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  @Test
  void md5_rightPasswordConnectsWrongOneIsRefused() {
    try (WireClient c = connect("md5_user", "md5 secret")) {
      assertEquals("md5_user", c.simpleQuery("select current_user").get(0).get(0, "current_user"));
    }
    WireException e = assertThrows(WireException.class, () -> connect("md5_user", "nope"));
    assertEquals(
        "FATAL: password authentication failed for user \"md5_user\" (SQLSTATE 28P01)",
        e.getMessage());
  }

  @Test
  void scram_rightPasswordConnectsWrongOneIsRefused() {
    try (WireClient c = connect("scram_user", "scram secret")) {
      QueryResult r =
          c.simpleQuery(
                  "select current_user as u, application_name as a from pg_stat_activity"
                      + " where pid = pg_backend_pid()")
              .get(0);
      assertEquals("scram_user", r.get(0, "u"));
      assertEquals("wire-real", r.get(0, "a"));
    }
    WireException e = assertThrows(WireException.class, () -> connect("scram_user", "nope"));
    assertEquals("28P01", e.sqlState());
  }

  @Test
  void scram_nonAsciiPasswordIsPreparedLikeTheServer() {
    try (WireClient c = connect("unicode_user", "pässwörd ﬁ")) {
      assertEquals(1, c.simpleQuery("select 1").size());
    }
  }

  @Test
  void cleartext_passwordMethod() {
    try (WireClient c = connect("plain_user", "plain secret")) {
      assertEquals("SELECT 1", c.simpleQuery("select 1").get(0).commandTag());
    }
  }

  @Test
  void simpleQuery_multipleStatementsNullsAndErrors() {
    try (WireClient c = connect("cloud_admin", null)) {
      List<QueryResult> r =
          c.simpleQuery("select 1 as a, null as b; create temp table t(x int); select 'x' as c");
      assertEquals(3, r.size());
      assertEquals("1", r.get(0).get(0, "a"));
      assertEquals(null, r.get(0).get(0, "b"));
      assertEquals("CREATE TABLE", r.get(1).commandTag());
      assertEquals("x", r.get(2).get(0, "c"));
      WireException e = assertThrows(WireException.class, () -> c.simpleQuery("select 1/0"));
      assertEquals("ERROR: division by zero (SQLSTATE 22012)", e.getMessage());
      assertEquals("2", c.simpleQuery("select 2 as n").get(0).get(0, "n"));
    }
  }

  @Test
  void copyOut_realCopyStreamsAndErrorsMidCopy() throws IOException {
    try (WireClient c = connect("cloud_admin", null)) {
      CopyOutStream in = c.copyOut("copy (select generate_series(1, 10000)) to stdout");
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(10000, text.lines().count());
      assertEquals(text.length(), in.bytesRead());
      CopyOutStream failing =
          c.copyOut("copy (select 1 / (i - 5000) from generate_series(1, 10000) i) to stdout");
      WireException e = assertThrows(WireException.class, failing::readAllBytes);
      assertEquals("22012", e.sqlState());
      assertTrue(failing.bytesRead() > 0);
    }
  }
}
