package computectl.bench;

import computectl.postgres.ConfigWriter;
import computectl.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The stock-tools side of the comparisons: shell scripts that do compute_ctl's work with {@code
 * postgres --sync-safekeepers} (the same shim), {@code psql} (the basebackup COPY from the same
 * stand-in), {@code gunzip | tar -x}, {@code pg_ctl start -w} and {@code psql -f}.
 */
final class ShellBaseline {
  private final BenchEnv env;

  ShellBaseline(BenchEnv env) {
    this.env = env;
  }

  private static String q(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }

  /**
   * The postgresql.conf compute_ctl would write for this spec, in a file the Postgres user reads.
   */
  Path configFile(BenchNode node, String specJson) throws IOException {
    String conf =
        ConfigWriter.render(
            SpecParser.parseSpec(specJson),
            ConfigWriter.Options.forThisHost(node.internalPort(), false));
    return BenchEnv.writeFile("computectl-bench-conf-", "postgresql.conf", conf);
  }

  /** psql | gunzip | tar -x of the stand-in's basebackup at {@code lsnExpr} into {@code dir}. */
  String fetch(String lsnExpr, Path dir) {
    return fetch(env.pageserverPort(), lsnExpr, dir);
  }

  static String fetch(BenchEnv env, int pageserverPort, String lsnExpr, Path dir) {
    return new ShellBaseline(env).fetch(pageserverPort, lsnExpr, dir);
  }

  String fetch(int pageserverPort, String lsnExpr, Path dir) {
    return "PGPASSWORD="
        + q(BenchEnv.TOKEN)
        + " "
        + q(env.pg.tool("psql"))
        + " -X -q -A -t "
        + q("host=127.0.0.1 port=" + pageserverPort + " user=cloud_admin dbname=postgres")
        + " -c \"basebackup "
        + BenchEnv.TENANT
        + " "
        + BenchEnv.TIMELINE
        + " "
        + lsnExpr
        + " --gzip\" | gunzip | tar -x -C "
        + q(dir)
        + "\n";
  }

  /**
   * PGDATA from scratch, config, LSN, basebackup, Postgres started and ready; steps marked for the
   * breakdown.
   */
  String prepareAndStart(BenchNode node, Path conf) {
    Path pgdata = node.pgdata();
    return "set -euo pipefail\n"
        + "rm -rf "
        + q(pgdata)
        + " && mkdir -m 700 "
        + q(pgdata)
        + "\n"
        + "cp "
        + q(conf)
        + " "
        + q(pgdata.resolve("postgresql.conf"))
        + "\n"
        + BenchEnv.step("prepare")
        + "lsn=$(PGDATA="
        + q(pgdata)
        + " "
        + q(env.pg.postgres())
        + " --sync-safekeepers)\n"
        + BenchEnv.step("sync_safekeepers_ms")
        + fetch("$lsn", pgdata)
        + BenchEnv.step("basebackup_ms")
        + q(env.pg.tool("pg_ctl"))
        + " -D "
        + q(pgdata)
        + " -w -s -l "
        + q(node.dir().resolve("pg.log"))
        + " start\n"
        + BenchEnv.step("start_postgres_ms");
  }

  /** psql -f of a script against the node's Postgres. */
  String psqlFile(BenchNode node, Path sql) {
    return "set -euo pipefail\n"
        + q(env.pg.tool("psql"))
        + " -X -q -v ON_ERROR_STOP=1 "
        + q("host=127.0.0.1 port=" + node.pgPort() + " user=cloud_admin dbname=postgres")
        + " -f "
        + q(sql)
        + " >/dev/null\n"
        + BenchEnv.step("sql_ms");
  }

  void stop(BenchNode node) throws IOException, InterruptedException {
    BenchEnv.timeScript(
        q(env.pg.tool("pg_ctl")) + " -D " + q(node.pgdata()) + " -s -m immediate stop || true", 60);
  }
}
