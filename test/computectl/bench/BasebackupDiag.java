package computectl.bench;

import computectl.metrics.StartupMetrics;
import computectl.pageserver.Basebackup;
import computectl.spec.ComputeMode;
import computectl.spec.ParsedSpec;
import computectl.spec.SpecParser;
import computectl.spec.SpecValidator;
import computectl.standin.BasebackupTar;
import computectl.standin.NeonShapedBasebackup;
import computectl.standin.PageserverStandIn;
import computectl.standin.StandInBasebackup;
import computectl.testsupport.TestPg;
import computectl.util.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A look inside one figure, not part of {@code make bench}: fetches and unpacks the stand-in's
 * basebackup several times in one JVM, so the first (cold) time can be told from the later (warm)
 * ones. Run it with the image's java and the launcher's flags; {@code BasebackupDiag [times]
 * [neon]} takes the Neon-shaped archive instead of the full cluster.
 */
public final class BasebackupDiag {
  private BasebackupDiag() {}

  public static void main(String[] args) throws Exception {
    int times = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path source = TestPg.workDir("computectl-diag-");
    BasebackupTar full = StandInBasebackup.createIn(TestPg.install(), source, TestPg.freePort());
    BasebackupTar backup =
        args.length > 1 && args[1].equals("neon") ? NeonShapedBasebackup.of(full) : full;
    try (PageserverStandIn ps =
        PageserverStandIn.start(0, backup).auth(PageserverStandIn.Auth.CLEARTEXT, BenchEnv.TOKEN)) {
      String json =
          "{\"format_version\":1.0,\"tenant_id\":\""
              + BenchEnv.TENANT
              + "\",\"timeline_id\":\""
              + BenchEnv.TIMELINE
              + "\",\"pageserver_connstring\":\"host=127.0.0.1 port="
              + ps.port()
              + "\",\"safekeeper_connstrings\":[\"127.0.0.1:1\"],\"storage_auth_token\":\""
              + BenchEnv.TOKEN
              + "\",\"cluster\":{\"roles\":[],\"databases\":[]}}";
      ParsedSpec spec = SpecValidator.validate(SpecParser.parseSpec(json));
      // The stand-in gzips at the first request: make that one with psql, outside the timing.
      BenchEnv.timeScript(
          "PGPASSWORD="
              + BenchEnv.TOKEN
              + " psql -X -q -A -t 'host=127.0.0.1 port="
              + ps.port()
              + " user=cloud_admin dbname=postgres' -c 'basebackup "
              + BenchEnv.TENANT
              + " "
              + BenchEnv.TIMELINE
              + " "
              + backup.endLsn()
              + " --gzip' >/dev/null",
          60);
      for (int i = 0; i < times; i++) {
        Path dir = Files.createTempDirectory("computectl-diag-pgdata-");
        long t0 = System.nanoTime();
        new Basebackup()
            .fetch(
                spec,
                backup.endLsn(),
                ComputeMode.PRIMARY,
                dir,
                new StartupMetrics(),
                Sleeper.REAL);
        System.out.printf("fetch %d: %.1f ms%n", i, (System.nanoTime() - t0) / 1e6);
        BenchEnv.deleteTree(dir);
      }
    } finally {
      BenchEnv.deleteTree(source);
    }
  }
}
