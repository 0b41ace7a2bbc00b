package computectl.pgbouncer;

import computectl.pgwire.ConnInfo;
import computectl.spec.TlsConfig;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies the spec's {@code pgbouncer_settings} (behaviour.md 12.5): connect to the admin console
 * (pgbouncer may still be starting: 3 retries, 1 s apart), add the client TLS settings once the key
 * exists when TLS is configured, write the settings into pgbouncer.ini so they survive a restart,
 * then {@code RELOAD} (a failed RELOAD is only logged). Callers run it in the background and log
 * its error; startup does not wait for it.
 */
public final class PgbouncerTuner {
  public static final Path VM_INI = Path.of("/etc/pgbouncer.ini");
  public static final Path POD_INI = Path.of("/var/db/postgres/pgbouncer/pgbouncer.ini");

  /** Where pgbouncer is and how patient to be with it. */
  public record Target(
      String adminConnstr,
      Path iniFile,
      int connectRetries,
      Duration retryDelay,
      Duration keyPoll) {}

  private final Target target;

  public PgbouncerTuner(Target target) {
    this.target = target;
  }

  /**
   * Upstream's choice by environment: with {@code AUTOSCALING} (a VM) the admin console on the
   * {@code /tmp} socket as user pgbouncer and {@code /etc/pgbouncer.ini}; otherwise (a pod)
   * localhost as user postgres, with {@code PGBOUNCER_PASSWORD} when set, and the ini on the volume
   * shared with the pgbouncer container.
   */
  public static Target targetFor(Map<String, String> env) {
    if (env.containsKey("AUTOSCALING")) {
      return new Target(
          "host=/tmp port=6432 dbname=pgbouncer user=pgbouncer",
          VM_INI,
          3,
          Duration.ofSeconds(1),
          Duration.ofMillis(500));
    }
    String connstr = "host=localhost port=6432 dbname=pgbouncer user=postgres sslmode=disable";
    String password = env.get("PGBOUNCER_PASSWORD");
    if (password != null) {
      connstr += " password=" + ConnInfo.quote(password);
    }
    return new Target(connstr, POD_INI, 3, Duration.ofSeconds(1), Duration.ofMillis(500));
  }

  /**
   * @throws ComputeCtlException when pgbouncer cannot be reached or its ini cannot be updated
   */
  public void tune(Map<String, String> settings, TlsConfig tls) {
    ConnInfo info = ConnInfo.parse(target.adminConnstr());
    Log.info(
        "Connecting to pgbouncer with connection string: "
            + info); // ConnInfo never prints the password
    try (AdminConsole console = connectWithRetries(info)) {
      Map<String, String> all = new LinkedHashMap<>(settings);
      if (tls != null) {
        awaitKey(Path.of(tls.keyPath()));
        all.put("client_tls_cert_file", tls.certPath());
        all.put("client_tls_key_file", tls.keyPath());
        all.put("client_tls_sslmode", "allow");
      }
      PgbouncerIni.update(target.iniFile(), all);
      Log.info("Applying pgbouncer setting change");
      try {
        console.run("RELOAD");
      } catch (ComputeCtlException e) {
        Log.error("Failed to apply pgbouncer setting change: " + e.getMessage());
      }
    }
  }

  private AdminConsole connectWithRetries(ConnInfo info) {
    for (int retriesLeft = target.connectRetries(); ; retriesLeft--) {
      try {
        return AdminConsole.connect(info);
      } catch (ComputeCtlException e) {
        if (retriesLeft == 0) {
          throw new ComputeCtlException(
              "cannot connect to the pgbouncer admin console: " + e.getMessage(), e);
        }
        Log.error("Failed to connect to pgbouncer: " + e.getMessage());
        sleep(target.retryDelay());
      }
    }
  }

  /** pgbouncer falls back to refusing TLS when the key is missing, so wait until it exists. */
  private void awaitKey(Path key) {
    while (!Files.exists(key)) {
      sleep(target.keyPoll());
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeCtlException("interrupted while tuning pgbouncer", e);
    }
  }
}
