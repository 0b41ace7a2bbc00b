package computectl.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConnInfo_Test {
  /** input, host, port, user, password, dbname, other params. */
  private record Case(
      String input,
      String host,
      int port,
      String user,
      String password,
      String dbname,
      Map<String, String> params) {}

  private static final List<Case> VALID =
      List.of(
          new Case(
              "host=localhost port=5433 user=u password=p dbname=d",
              "localhost",
              5433,
              "u",
              "p",
              "d",
              Map.of()),
          new Case(
              "  host = db.example  user=bob  ", "db.example", 5432, "bob", null, null, Map.of()),
          new Case(
              "host='my host' password='it\\'s \\\\ x' options='-c a=b'",
              "my host",
              5432,
              null,
              "it's \\ x",
              null,
              Map.of("options", "-c a=b")),
          new Case("password=a\\ b user=''", null, 5432, null, "a b", null, Map.of()),
          new Case(
              "sslmode=disable application_name=vm-monitor",
              null,
              5432,
              null,
              null,
              null,
              Map.of("sslmode", "disable", "application_name", "vm-monitor")),
          new Case("", null, 5432, null, null, null, Map.of()),
          new Case(
              "postgresql://no_user@127.0.0.1:64000",
              "127.0.0.1",
              64000,
              "no_user",
              null,
              null,
              Map.of()),
          new Case(
              "postgres://u:p%40ss%3Aw@host/db%20x?application_name=a%2Bb&options=-c%20x%3Dy",
              "host",
              5432,
              "u",
              "p@ss:w",
              "db x",
              Map.of("application_name", "a+b", "options", "-c x=y")),
          new Case(
              "postgresql://[::1]:5433/postgres", "::1", 5433, null, null, "postgres", Map.of()),
          new Case("postgresql://[2001:db8::7]/d", "2001:db8::7", 5432, null, null, "d", Map.of()),
          new Case("postgresql://", null, 5432, null, null, null, Map.of()),
          new Case(
              "postgresql://h/?user=x&password=y&port=7&ssl=true",
              "h",
              7,
              "x",
              "y",
              null,
              Map.of("sslmode", "require")),
          new Case(
              "postgresql:///db?host=%2Fvar%2Frun", "/var/run", 5432, null, null, "db", Map.of()),
          new Case(
              "postgresql://cloud_admin@localhost:55433/postgres",
              "localhost",
              55433,
              "cloud_admin",
              null,
              "postgres",
              Map.of()));

  @Test
  void parse_acceptsLibpqForms() {
    for (Case c : VALID) {
      ConnInfo ci = ConnInfo.parse(c.input());
      assertEquals(c.host(), ci.host(), c.input());
      assertEquals(c.port(), ci.port(), c.input());
      assertEquals(c.user(), ci.user(), c.input());
      assertEquals(c.password(), ci.password(), c.input());
      assertEquals(c.dbname(), ci.dbname(), c.input());
      assertEquals(c.params(), ci.params(), c.input());
    }
  }

  @Test
  void parse_keepsParameterOrder() {
    ConnInfo ci = ConnInfo.parse("options=o sslmode=disable application_name=a connect_timeout=3");
    assertEquals(
        List.of("options", "sslmode", "application_name", "connect_timeout"),
        List.copyOf(ci.params().keySet()));
  }

  @Test
  void parse_refusesBadStringsWithTheReason() {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("host", "missing \"=\" after \"host\" in connection info string"),
            Map.entry("host localhost", "missing \"=\" after \"host\" in connection info string"),
            Map.entry("host='x", "unterminated quoted string in connection info string"),
            Map.entry("foo=bar", "invalid connection option \"foo\""),
            Map.entry("port=54x", "invalid port number: \"54x\""),
            Map.entry("port=70000", "invalid port number: \"70000\""),
            Map.entry("host=a,b", "multiple hosts are not supported: \"a,b\""),
            Map.entry("postgresql://h:abc", "invalid port number: \"abc\""),
            Map.entry("postgresql://[::1", "missing \"]\" in IPv6 host address in connection URI"),
            Map.entry(
                "postgresql://[::1]x",
                "unexpected character \"x\" after IPv6 host address in connection URI"),
            Map.entry(
                "postgresql://h/db?sslmode",
                "missing key/value separator \"=\" in URI query parameter: \"sslmode\""),
            Map.entry("postgresql://h/db?nope=1", "invalid connection option \"nope\""),
            Map.entry("postgresql://u%zz@h", "invalid percent-encoded token: \"u%zz\""),
            Map.entry(
                "postgresql://u:se%zzcret@h", "invalid percent-encoded token: in the password"),
            Map.entry("postgresql://h/d#frag", "unexpected \"#\" in connection URI"));
    bad.forEach(
        (input, message) -> {
          ConnInfoException e =
              assertThrows(ConnInfoException.class, () -> ConnInfo.parse(input), input);
          assertEquals(message, e.getMessage(), input);
        });
  }

  @Test
  void toString_neverShowsThePassword() {
    ConnInfo ci = ConnInfo.parse("postgresql://u:hunter2@h:1/d?application_name=my%20app");
    assertEquals("host=h port=1 user=u dbname=d application_name='my app'", ci.toString());
    assertFalse(ci.toString().contains("hunter2"));
  }

  @Test
  void redact_dropsPasswordKeepingTheForm() {
    assertEquals(
        "postgresql://u@h:5/d?sslmode=disable",
        ConnInfo.redact("postgresql://u:hunter2@h:5/d?password=x&sslmode=disable"));
    assertEquals(
        "postgresql://no_user@127.0.0.1:64000",
        ConnInfo.redact("postgresql://no_user@127.0.0.1:64000"));
    assertEquals("host=h user=u port=1", ConnInfo.redact("host=h password='a b' user=u port=1"));
    assertEquals("(unparsable connection string)", ConnInfo.redact("password='hunter2"));
  }

  @Test
  void jdbc_buildsUrlAndProperties() {
    ConnInfo ci =
        ConnInfo.parse(
            "postgresql://cloud_admin:pw@[::1]:55433/my%20db?options=-c%20a%3Db&sslmode=disable"
                + "&application_name=x&connect_timeout=4");
    assertEquals("jdbc:postgresql://[::1]:55433/my+db", ci.jdbcUrl());
    Properties p = ci.jdbcProperties("compute_ctl:apply_config");
    assertEquals("cloud_admin", p.getProperty("user"));
    assertEquals("pw", p.getProperty("password"));
    assertEquals("compute_ctl:apply_config", p.getProperty("ApplicationName"));
    assertEquals("-c a=b", p.getProperty("options"));
    assertEquals("disable", p.getProperty("sslmode"));
    assertEquals("4", p.getProperty("connectTimeout"));
    assertEquals("x", ci.jdbcProperties(null).getProperty("ApplicationName"));
    assertEquals("jdbc:postgresql://localhost:5432/", ConnInfo.parse("user=u").jdbcUrl());
  }

  @Test
  void jdbc_refusesUnixSockets() {
    ConnInfo ci = ConnInfo.parse("host=/var/run/postgresql dbname=postgres");
    assertTrue(ci.isUnixSocket());
    assertEquals(
        "Unix-domain socket host \"/var/run/postgresql\" is not supported; use a TCP host",
        assertThrows(ConnInfoException.class, ci::jdbcUrl).getMessage());
  }

  @Test
  void withPassword_replacesOrClears() {
    ConnInfo ci = ConnInfo.parse("host=h password=old");
    assertEquals("new", ci.withPassword("new").password());
    assertNull(ci.withPassword("").password());
    assertEquals("h:5432", ci.address());
    assertEquals("[::1]:5432", ConnInfo.parse("host=::1").address());
  }

  @Test
  void parseHostList_matchesPortsToHostsAsLibpqDoes() {
    List<ConnInfo> two = ConnInfo.parseHostList("host=a,b port=1,2 user=u");
    assertEquals(List.of("a:1", "b:2"), two.stream().map(ConnInfo::address).toList());
    assertEquals(List.of("u", "u"), two.stream().map(ConnInfo::user).toList());
    assertEquals(
        List.of(7, 7),
        ConnInfo.parseHostList("host=a,b port=7").stream().map(ConnInfo::port).toList());
    assertEquals(
        List.of("[::1]:5432"),
        ConnInfo.parseHostList("host=db.example hostaddr=::1").stream()
            .map(ConnInfo::address)
            .toList());
    assertEquals(
        List.of("localhost:5432"),
        ConnInfo.parseHostList("").stream().map(ConnInfo::address).toList());
  }

  @Test
  void parseHostList_takesTheUriHostList() {
    List<ConnInfo> hosts = ConnInfo.parseHostList("postgresql://u@h1:5433,[::1],:6000/db");
    assertEquals(
        List.of("h1:5433", "[::1]:5432", "localhost:6000"),
        hosts.stream().map(ConnInfo::address).toList());
    assertEquals(
        "multiple hosts are not supported: \"h1,::1\"",
        assertThrows(ConnInfoException.class, () -> ConnInfo.parse("postgresql://h1:5433,[::1]"))
            .getMessage());
  }

  @Test
  void parseHostList_refusesListsThatDoNotMatch() {
    assertEquals(
        "could not match 2 port numbers to 3 hosts",
        assertThrows(ConnInfoException.class, () -> ConnInfo.parseHostList("host=a,b,c port=1,2"))
            .getMessage());
    assertEquals(
        "could not match 2 host names to 1 hostaddr values",
        assertThrows(ConnInfoException.class, () -> ConnInfo.parseHostList("host=a,b hostaddr=::1"))
            .getMessage());
  }
}
