package computectl.vmmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LibpqConnstr_Test {
  @Test
  void parse_convertsComputeCtlsDefault() {
    LibpqConnstr c = LibpqConnstr.parse(VmMonitorConfig.DEFAULT_FILECACHE_CONNSTR);
    assertEquals("jdbc:postgresql://localhost:5432/postgres", c.jdbcUrl());
    Properties p = c.jdbcProperties();
    assertEquals("cloud_admin", p.getProperty("user"));
    assertEquals("vm-monitor", p.getProperty("ApplicationName"));
    assertEquals("disable", p.getProperty("sslmode"));
    assertNull(p.getProperty("password"));
  }

  @Test
  void parse_handlesQuotingEscapesAndSpacesAroundEquals() {
    LibpqConnstr c =
        LibpqConnstr.parse(
            "  host = 127.0.0.1 port=6543 password='a b\\'c' options='-c x=1' dbname=my\\ db ");
    assertEquals("a b'c", c.jdbcProperties().getProperty("password"));
    assertEquals("-c x=1", c.jdbcProperties().getProperty("options"));
    assertEquals("jdbc:postgresql://127.0.0.1:6543/my+db", c.jdbcUrl());
    assertFalse(c.toString().contains("a b"), "password must not be printed: " + c);
  }

  @Test
  void parse_matchesPortsToHostsAndPrefersHostaddr() {
    LibpqConnstr c = LibpqConnstr.parse("host=a,b port=1,2 user=u");
    assertEquals("jdbc:postgresql://a:1,b:2/u", c.jdbcUrl());
    assertEquals(List.of(5432, 5432), LibpqConnstr.parse("host=a,b").ports());
    assertEquals(
        "jdbc:postgresql://[::1]:5432/d",
        LibpqConnstr.parse("host=db.example hostaddr=::1 dbname=d").jdbcUrl());
  }

  @Test
  void parse_acceptsTheUriForm() {
    LibpqConnstr c =
        LibpqConnstr.parse(
            "postgresql://cloud%5Fadmin:p%40ss@h1:5433,[::1]/db%20x?application_name=vm");
    assertEquals("jdbc:postgresql://h1:5433,[::1]:5432/db+x", c.jdbcUrl());
    assertEquals("cloud_admin", c.user());
    assertEquals("db x", c.dbname());
    assertEquals("p@ss", c.jdbcProperties().getProperty("password"));
    assertEquals("vm", c.jdbcProperties().getProperty("ApplicationName"));
    assertEquals(
        "jdbc:postgresql://localhost:5432/postgres",
        LibpqConnstr.parse("postgres://x@/postgres").jdbcUrl());
  }

  @Test
  void parse_namesWhatIsWrong() {
    assertEquals(
        "invalid connection string: missing \"=\" after \"host\"",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("host localhost"))
            .getMessage());
    assertEquals(
        "invalid connection string: unterminated quoted string",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("password='abc"))
            .getMessage());
    assertEquals(
        "invalid connection string: invalid connection option \"hots\"",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("hots=x")).getMessage());
    assertEquals(
        "invalid connection string: sslmode=require requires TLS, which the vm-monitor does not"
            + " use",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("sslmode=require"))
            .getMessage());
    assertEquals(
        "invalid connection string: could not match 2 port numbers to 3 hosts",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("host=a,b,c port=1,2"))
            .getMessage());
    assertEquals(
        "invalid connection string: invalid port number: \"99999\"",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("port=99999"))
            .getMessage());
    assertEquals(
        "invalid connection string: host \"/var/run/postgresql\" is not a TCP host"
            + " (unix-domain sockets are not supported by the vm-monitor)",
        assertThrows(VmMonitorException.class, () -> LibpqConnstr.parse("host=/var/run/postgresql"))
            .getMessage());
  }
}
