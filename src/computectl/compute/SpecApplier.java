package computectl.compute;

import computectl.localproxy.LocalProxyConfigurer;
import computectl.metrics.ExportedMetrics;
import computectl.postgres.PgConnector;
import computectl.postgres.PgCtl;
import computectl.postgres.TempOverride;
import computectl.reconcile.ApplyContext;
import computectl.reconcile.ApplyMode;
import computectl.reconcile.InstalledExtensions;
import computectl.reconcile.Migration;
import computectl.reconcile.MigrationRunner;
import computectl.reconcile.Reconciler;
import computectl.spec.ComputeSpec;
import computectl.spec.ParsedSpec;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings the running Postgres's catalog in line with a spec: at startup for a primary (behaviour.md
 * 5.8) and on every reconfiguration (7). Catalog work runs inside the temporary override (5.4.4).
 */
final class SpecApplier {
  private final LaunchOptions cfg;
  private final ExportedMetrics metrics;
  private final BackgroundTasks background;

  /**
   * Held by the background migrations, the background {@code ALTER EXTENSION neon UPDATE} and a
   * reconfiguration: they alter the same roles and extension, and Postgres fails one of two
   * concurrent updates of a catalog row with "tuple concurrently updated".
   */
  private final Object catalogWork = new Object();

  SpecApplier(LaunchOptions cfg, ExportedMetrics metrics, BackgroundTasks background) {
    this.cfg = cfg;
    this.metrics = metrics;
    this.background = background;
  }

  /**
   * What a primary's start writes to the temporary override before Postgres starts (null: nothing),
   * so that Postgres starts with it and {@link #configureAsPrimary} needs no reload to enter it.
   */
  static String startOverride(ComputeSpec spec) {
    return spec.mode().isPrimary() && !spec.skipPgCatalogUpdates()
        ? TempOverride.NO_SIZE_LIMIT
        : null;
  }

  /**
   * Configures a freshly started primary (behaviour.md 5.8). Postgres started with the temporary
   * override in place ({@link #startOverride}). The reload that ends it and the background jobs are
   * {@link BackgroundTasks#defer}red: the caller spawns them once the compute is Running.
   */
  void configureAsPrimary(ParsedSpec ps) {
    if (!ps.spec().skipPgCatalogUpdates()) {
      TempOverride.runThenEmpty(
          cfg.pgdata(),
          () -> {
            Reconciler.apply(
                cfg.connector(),
                ps.spec(),
                ApplyContext.of(ApplyMode.STARTUP, ps.spec(), ps.timelineId()));
            if (ps.spec().localProxyConfig() != null) {
              try {
                LocalProxyConfigurer.system().configure(ps.spec().localProxyConfig());
              } catch (ComputeCtlException e) {
                throw new ComputeCtlException("apply_config local_proxy", e);
              }
            }
          });
      computectl.postgres.LineInFile.ensure(
          cfg.pgdata().resolve("postgresql.conf"),
          "neon.disable_logical_replication_subscribers=false");
      // The start does not wait for this reload: pg_ctl only signals Postgres, which re-reads its
      // configuration in its own time either way, and the outcome is only logged (behaviour.md
      // 5.4.5). It and the background jobs below start once the compute is Running (the caller
      // spawns them); upstream spawns the migrations inside the override.
      background.defer("reload", this::reload);
      background.defer(
          "migrations",
          () -> {
            synchronized (catalogWork) {
              new MigrationRunner(Migration.builtIn(), metrics, cfg.migrationFailpoint())
                  .run(cfg.connector());
            }
          });
    }
    background.defer(
        "post-apply-config",
        () -> {
          synchronized (catalogWork) {
            updateNeonExtension(cfg.connector());
          }
        });
    background.defer(
        "installed-extensions", () -> InstalledExtensions.collect(cfg.connector(), metrics));
  }

  /**
   * Step 4 of behaviour.md 7: catalog updates of a reconfiguration (the caller rewrote
   * postgresql.conf).
   */
  void reconfigure(ParsedSpec ps) {
    synchronized (catalogWork) {
      reconfigureCatalog(ps);
    }
  }

  private void reconfigureCatalog(ParsedSpec ps) {
    if (!ps.spec().skipPgCatalogUpdates()) {
      TempOverride.run(
          cfg.pgdata(),
          TempOverride.NO_SIZE_LIMIT,
          () -> {
            reload();
            if (ps.spec().mode().isPrimary()) {
              Reconciler.apply(
                  cfg.connector(),
                  ps.spec(),
                  ApplyContext.of(ApplyMode.RECONFIGURE, ps.spec(), ps.timelineId()));
            }
          });
    }
    reload();
  }

  void reload() {
    PgCtl.reload(cfg.pg(), cfg.pgdata());
  }

  private static void updateNeonExtension(PgConnector connector) {
    String db = connector.systemDatabase();
    try (Connection c = connector.connect(db, "compute_ctl:post_apply_config");
        Statement s = c.createStatement()) {
      s.execute("ALTER EXTENSION neon UPDATE");
    } catch (SQLException e) {
      Log.error("ALTER EXTENSION neon UPDATE failed: " + e.getMessage());
    }
  }
}
