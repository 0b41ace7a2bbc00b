package computectl.bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.spec.Lsn;
import computectl.standin.LocalCluster;
import computectl.standin.PageserverStandIn;
import computectl.testsupport.TestPg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Basebackup extraction of a real basebackup of over 1 GiB (a cluster with a large table, so the
 * compute can start from it) served gzipped by its own pageserver stand-in: compute_ctl's {@code
 * basebackup_ms} against {@code psql | gunzip | tar -x} from the same stand-in.
 */
final class ExtractionBench {
  /** Rows of about 100 bytes: just over 1 GiB of heap. */
  static final long ROWS = 11_000_000;

  private final BenchEnv env;
  private final int runs;
  private long tarBytes;
  private long gzipBytes;

  ExtractionBench(BenchEnv env, int runs) {
    this.env = env;
    this.runs = runs;
  }

  Figure run() throws IOException, InterruptedException {
    Path work = TestPg.workDir("computectl-bench-big-");
    Lsn endLsn;
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    try (PageserverStandIn big =
        PageserverStandIn.start(0).auth(PageserverStandIn.Auth.CLEARTEXT, BenchEnv.TOKEN)) {
      endLsn = serveBigBackup(big, work);
      env.pg.configureShim(endLsn.toString(), 0, 0);
      // Untimed: the stand-in gzips the archive at the first request and keeps it.
      Path warm = BenchEnv.runDir("computectl-bench-extract-");
      BenchEnv.timeScript(ShellBaseline.fetch(env, big.port(), endLsn.toString(), warm), 900);
      BenchEnv.deleteAtEnd(warm);
      for (int i = 1; i <= runs; i++) {
        ours.add(oursOnce(big.port(), i));
        base.add(baselineOnce(big.port(), endLsn));
      }
    } finally {
      env.pg.configureShim(env.backup.endLsn().toString(), 0, 0);
      BenchEnv.deleteAtEnd(work);
    }
    Figure f =
        Figure.of(
                "extract_1gib",
                "Basebackup extraction of a "
                    + mib(tarBytes)
                    + " MiB tar ("
                    + mib(gzipBytes)
                    + " MiB gzipped) from the stand-in",
                "ms",
                Stats.of(ours),
                "psql COPY | gunzip | tar -x from the same stand-in",
                Stats.of(base))
            .detail("tar_bytes", tarBytes)
            .detail("gzip_bytes", gzipBytes);
    return f.target("ratio <= 1.0", f.ratio() <= 1.0);
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }

  private double oursOnce(int port, int i) throws IOException, InterruptedException {
    BenchNode node = BenchNode.fresh();
    String spec = env.spec(node).pageserverPort(port).role("alice", BenchEnv.VERIFIER).json();
    Path specFile = BenchEnv.writeFile("computectl-bench-spec-", "spec.json", spec);
    try (BenchCompute cc = BenchCompute.start(env, node, specFile, null, "extract-" + i)) {
      cc.awaitStatus("\"status\":\"running\"", 900_000);
      JsonObject m = cc.metricsJson();
      gzipBytes = m.getLong("basebackup_bytes", -1);
      cc.terminate();
      return m.getLong("basebackup_ms", -1);
    } finally {
      BenchEnv.deleteTree(specFile.getParent());
    }
  }

  private double baselineOnce(int port, Lsn lsn) throws IOException, InterruptedException {
    Path dir = BenchEnv.runDir("computectl-bench-extract-");
    try {
      return BenchEnv.timeScript(
          "set -euo pipefail\n" + ShellBaseline.fetch(env, port, lsn.toString(), dir), 900);
    } finally {
      BenchEnv.deleteAtEnd(dir);
    }
  }

  /** Makes the big basebackup in {@code work} and gives it to {@code big}; returns its end LSN. */
  private Lsn serveBigBackup(PageserverStandIn big, Path work)
      throws IOException, InterruptedException {
    Path data = work.resolve("source-data");
    Path out = work.resolve("basebackup");
    int port = TestPg.freePort();
    try (LocalCluster cluster = LocalCluster.startWithConfigOutside(env.pg, data, port)) {
      BenchEnv.run(
          List.of(
              env.pg.tool("psql").toString(),
              "-X",
              "-q",
              "-v",
              "ON_ERROR_STOP=1",
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(cluster.port()),
              "-U",
              "cloud_admin",
              "-d",
              "postgres",
              "-c",
              "create table big as select g as id, md5(g::text) || md5((g * 7)::text) as t from"
                  + " generate_series(1, "
                  + ROWS
                  + ") g"));
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "local all all trust\nhost all all 127.0.0.1/32 trust\n"
              + "host replication all 127.0.0.1/32 trust\nlocal replication all trust\n");
      Files.writeString(data.resolve("postgresql.auto.conf"), "");
      BenchEnv.run(
          List.of(
              env.pg.tool("pg_basebackup").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-U",
              "cloud_admin",
              "-D",
              out.toString(),
              "-Ft",
              "-X",
              "fetch",
              "--no-sync",
              "-c",
              "fast"));
    }
    BenchEnv.deleteTree(data);
    byte[] tar = Files.readAllBytes(out.resolve("base.tar"));
    tarBytes = tar.length;
    JsonArray ranges =
        Json.parse(Files.readString(out.resolve("backup_manifest")))
            .asObject()
            .get("WAL-Ranges")
            .asArray();
    JsonObject last = ranges.get(ranges.size() - 1).asObject();
    Lsn end = Lsn.parse(last.getString("End-LSN", ""));
    BenchEnv.deleteTree(out);
    big.serveTar(tar);
    return end;
  }
}
