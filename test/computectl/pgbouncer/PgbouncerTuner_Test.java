package computectl.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.spec.TlsConfig;
import computectl.testsupport.HelperThread;
import computectl.testsupport.TestPg;
import computectl.util.ComputeCtlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class PgbouncerTuner_Test {
  private static final Duration FAST = Duration.ofMillis(50);

  private static Path ini() throws Exception {
    Path file = Files.createTempDirectory("computectl-pgb-").resolve("pgbouncer.ini");
    Files.writeString(file, "[pgbouncer]\nlisten_port = 6432\ndefault_pool_size = 16\n");
    return file;
  }

  private static Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("default_pool_size", "50");
    m.put("max_client_conn", "1000");
    return m;
  }

  @Test
  void tune_tcpConsoleWithPassword_writesIniThenReloads() throws Exception {
    Path ini = ini();
    try (FakeAdminConsole bouncer = FakeAdminConsole.tcp(0).requirePassword("s3cret pw")) {
      Map<String, String> env = Map.of("PGBOUNCER_PASSWORD", "s3cret pw");
      String connstr =
          PgbouncerTuner.targetFor(env)
              .adminConnstr()
              .replace("localhost port=6432", "127.0.0.1 port=" + bouncer.port());

      new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 3, FAST, FAST))
          .tune(settings(), null);

      assertEquals(List.of("RELOAD"), bouncer.queries());
      assertEquals("postgres", bouncer.startups().get(0).get("user"));
      assertEquals("pgbouncer", bouncer.startups().get(0).get("database"));
      assertEquals(
          "[pgbouncer]\nlisten_port = 6432\ndefault_pool_size=50\nmax_client_conn=1000\n",
          Files.readString(ini));
    }
  }

  @Test
  void tune_unixSocketConsole_reloadsAsPgbouncerUser() throws Exception {
    Path ini = ini();
    Path dir = Files.createTempDirectory("computectl-pgbsock-");
    try (FakeAdminConsole bouncer = FakeAdminConsole.unix(dir, 6432)) {
      String connstr =
          PgbouncerTuner.targetFor(Map.of("AUTOSCALING", "true"))
              .adminConnstr()
              .replace("/tmp", dir.toString());

      new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 3, FAST, FAST))
          .tune(settings(), null);

      assertEquals(List.of("RELOAD"), bouncer.queries());
      assertEquals("pgbouncer", bouncer.startups().get(0).get("user"));
      assertTrue(Files.readString(ini).contains("max_client_conn=1000\n"));
    }
  }

  @Test
  void tune_withTls_waitsForTheKeyAndAddsClientTlsSettings() throws Exception {
    Path ini = ini();
    Path certDir = Files.createTempDirectory("computectl-pgbtls-");
    TlsConfig tls =
        new TlsConfig(certDir.resolve("tls.key").toString(), certDir.resolve("tls.crt").toString());
    HelperThread keyWriter = null;
    try (FakeAdminConsole bouncer = FakeAdminConsole.tcp(0)) {
      keyWriter =
          HelperThread.start(
              "test-key-writer",
              () -> {
                Thread.sleep(300); // a key that appears late is what this test is about
                Files.writeString(certDir.resolve("tls.key"), "key");
              });
      String connstr = "host=127.0.0.1 port=" + bouncer.port() + " dbname=pgbouncer user=postgres";

      new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 3, FAST, FAST))
          .tune(settings(), tls);

      assertTrue(
          Files.exists(certDir.resolve("tls.key")),
          "the ini was written only after the key appeared");
      assertTrue(
          Files.readString(ini)
              .endsWith(
                  "max_client_conn=1000\nclient_tls_cert_file="
                      + tls.certPath()
                      + "\nclient_tls_key_file="
                      + tls.keyPath()
                      + "\nclient_tls_sslmode=allow\n"),
          Files.readString(ini));
    } finally {
      if (keyWriter != null) {
        keyWriter.join();
      }
    }
  }

  @Test
  void tune_pgbouncerStartingLate_connectsOnARetry() throws Exception {
    Path ini = ini();
    int port = TestPg.freePort();
    FakeAdminConsole[] late = new FakeAdminConsole[1];
    HelperThread starter =
        HelperThread.start(
            "test-late-bouncer",
            () -> {
              Thread.sleep(120); // a pgbouncer that starts late is what this test is about
              late[0] = FakeAdminConsole.tcp(port);
            });
    try {
      String connstr = "host=127.0.0.1 port=" + port + " dbname=pgbouncer user=postgres";

      // Retries for 20 s: the late start (120 ms) may take long on a loaded machine.
      new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 100, Duration.ofMillis(200), FAST))
          .tune(settings(), null);

      starter.join();
      assertEquals(List.of("RELOAD"), late[0].queries());
    } finally {
      starter.join();
      if (late[0] != null) {
        late[0].close();
      }
    }
  }

  @Test
  void tune_pgbouncerDown_failsAfterTheRetries() throws Exception {
    Path ini = ini();
    String connstr = "host=127.0.0.1 port=" + TestPg.freePort() + " dbname=pgbouncer user=postgres";
    long start = System.nanoTime();

    ComputeCtlException e =
        assertThrows(
            ComputeCtlException.class,
            () ->
                new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 2, FAST, FAST))
                    .tune(settings(), null));

    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot connect to the pgbouncer admin console: could not connect to 127.0.0.1:"),
        e.getMessage());
    assertTrue(System.nanoTime() - start >= 100_000_000L, "two retries, 50 ms apart");
    assertEquals(
        "[pgbouncer]\nlisten_port = 6432\ndefault_pool_size = 16\n",
        Files.readString(ini),
        "ini untouched");
  }

  @Test
  void tune_reloadFails_isOnlyLogged() throws Exception {
    Path ini = ini();
    try (FakeAdminConsole bouncer = FakeAdminConsole.tcp(0).failQuery("RELOAD")) {
      String connstr = "host=127.0.0.1 port=" + bouncer.port() + " dbname=pgbouncer user=postgres";

      new PgbouncerTuner(new PgbouncerTuner.Target(connstr, ini, 0, FAST, FAST))
          .tune(settings(), null);

      assertEquals(List.of("RELOAD"), bouncer.queries());
      assertTrue(Files.readString(ini).contains("default_pool_size=50"));
    }
  }

  @Test
  void targetFor_environment_picksVmOrPodLayout() {
    PgbouncerTuner.Target vm =
        PgbouncerTuner.targetFor(Map.of("AUTOSCALING", "1", "PGBOUNCER_PASSWORD", "x"));
    PgbouncerTuner.Target pod = PgbouncerTuner.targetFor(Map.of());

    assertEquals("host=/tmp port=6432 dbname=pgbouncer user=pgbouncer", vm.adminConnstr());
    assertEquals(PgbouncerTuner.VM_INI, vm.iniFile());
    assertEquals(
        "host=localhost port=6432 dbname=pgbouncer user=postgres sslmode=disable",
        pod.adminConnstr());
    assertEquals(PgbouncerTuner.POD_INI, pod.iniFile());
    assertFalse(pod.adminConnstr().contains("password"));
    assertEquals(3, pod.connectRetries());
  }
}
