package computectl.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import computectl.util.ComputeCtlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgbouncerIni_Test {
  private static final String INI =
      String.join(
          "\n",
          "; managed by the image",
          "[databases]",
          "* = host=localhost port=5432",
          "",
          "[pgbouncer]",
          "listen_port = 6432",
          "; pool sizing",
          "default_pool_size = 16",
          "max_client_conn=100",
          "default_pool_size = 17",
          "",
          "[users]",
          "admin = pool_mode=session",
          "");

  private static Map<String, String> settings(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void apply_existingAndNewKeys_replacedInPlaceAndAppendedInSpecOrder() {
    String out =
        PgbouncerIni.apply(
            INI,
            settings(
                "query_wait_timeout",
                "60",
                "default_pool_size",
                "50",
                "max_prepared_statements",
                "0"),
            "t");

    assertEquals(
        String.join(
            "\n",
            "; managed by the image",
            "[databases]",
            "* = host=localhost port=5432",
            "",
            "[pgbouncer]",
            "listen_port = 6432",
            "; pool sizing",
            "default_pool_size=50",
            "max_client_conn=100",
            "query_wait_timeout=60",
            "max_prepared_statements=0",
            "",
            "[users]",
            "admin = pool_mode=session",
            ""),
        out);
  }

  @Test
  void apply_sectionAtTheEnd_appendsBeforeTheFinalNewline() {
    String out = PgbouncerIni.apply("[pgbouncer]\nlisten_port=6432\n", settings("a", "1"), "t");

    assertEquals("[pgbouncer]\nlisten_port=6432\na=1\n", out);
  }

  @Test
  void apply_noPgbouncerSection_isAnError() {
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> PgbouncerIni.apply("[databases]\n", settings("a", "1"), "/etc/pgbouncer.ini"));

    assertEquals(
        "pgbouncer configuration /etc/pgbouncer.ini has no [pgbouncer] section", e.getMessage());
  }

  @Test
  void apply_valueWithLineBreak_isRefused() {
    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () -> PgbouncerIni.apply(INI, settings("a", "1\n[users]"), "t"));

    assertEquals("pgbouncer setting a=1\n[users] cannot be written to t", e.getMessage());
  }

  @Test
  void update_missingFile_isAnError() throws Exception {
    Path file = Files.createTempDirectory("computectl-pgb-").resolve("pgbouncer.ini");

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class, () -> PgbouncerIni.update(file, settings("a", "1")));

    assertEquals("pgbouncer configuration " + file + " does not exist", e.getMessage());
  }
}
