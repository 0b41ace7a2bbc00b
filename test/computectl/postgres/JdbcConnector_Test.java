package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.pgwire.ConnInfoException;
import org.junit.jupiter.api.Test;

class JdbcConnector_Test {
  @Test
  void fromConnstr_readsUserHostPortAndDatabase() {
    JdbcConnector c =
        JdbcConnector.fromConnstr("postgresql://cloud_admin@127.0.0.1:55432/postgres");
    assertEquals("cloud_admin", c.user());
    assertEquals("127.0.0.1", c.host());
    assertEquals(55432, c.port());
    assertEquals("postgres", c.systemDatabase());
  }

  @Test
  void fromConnstr_defaultsPortAndDatabaseAndDecodesPercentEscapes() {
    JdbcConnector c = JdbcConnector.fromConnstr("postgres://us%40er:p%2Bw@localhost");
    assertEquals("us@er", c.user());
    assertEquals(5432, c.port());
    assertEquals("us@er", c.systemDatabase(), "libpq's default database is the user name");
    assertEquals(
        "with+plus", JdbcConnector.fromConnstr("postgres://a@h/with+plus").systemDatabase());
  }

  @Test
  void fromConnstr_readsTheKeyValueFormWithLibpqRules() {
    JdbcConnector c =
        JdbcConnector.fromConnstr("host=127.0.0.1 port=6 user='a b' connect_timeout=3");
    assertEquals("a b", c.user());
    assertEquals(6, c.port());
    assertEquals("a b", c.systemDatabase());
  }

  @Test
  void fromConnstr_refusesWhatItCannotReach() {
    assertEquals(
        "connstr has no host",
        assertThrows(PgException.class, () -> JdbcConnector.fromConnstr("postgresql:///db"))
            .getMessage());
    assertThrows(PgException.class, () -> JdbcConnector.fromConnstr("postgresql://%2Ftmp/db"));
    assertThrows(ConnInfoException.class, () -> JdbcConnector.fromConnstr("http://a@h/db"));
  }

  @Test
  void jdbcUrl_percentEncodesHostileDatabaseNames() {
    JdbcConnector c = JdbcConnector.fromConnstr("postgresql://a@127.0.0.1:5/postgres");
    assertEquals("jdbc:postgresql://127.0.0.1:5/a%20b%2Fc%3F%26%2B", c.jdbcUrl("a b/c?&+"));
  }

  @Test
  void toString_hasNoPassword() {
    assertEquals(
        "postgresql://u@h:1/d",
        JdbcConnector.fromConnstr("postgresql://u:secret@h:1/d").toString());
  }
}
