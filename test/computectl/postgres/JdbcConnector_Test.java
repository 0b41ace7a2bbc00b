package computectl.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void fromConnstr_rejectsOtherSchemes() {
    assertEquals(
        "connstr must start with postgres:// or postgresql://",
        assertThrows(PgException.class, () -> JdbcConnector.fromConnstr("http://a@h/db"))
            .getMessage());
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
