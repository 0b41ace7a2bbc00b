package computectl.standin;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import computectl.spec.Lsn;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Makes a basebackup shaped like Neon's from a real, throwaway cluster: no postgresql.conf (the
 * source cluster keeps its configuration outside the data directory), a pg_hba.conf that trusts
 * local and loopback connections for all databases and for replication, an empty
 * postgresql.auto.conf, and a marker table {@code standin_marker(id int, note text)} with one row
 * so a compute started from it can be recognised.
 */
public final class StandInBasebackup {
  public static final String MARKER_TABLE = "standin_marker";
  public static final String MARKER_NOTE = "served by the pageserver stand-in";

  static final String NEON_HBA =
      String.join(
          "\n",
          "local\tall\tall\ttrust",
          "host\tall\tall\t127.0.0.1/32\ttrust",
          "host\tall\tall\t::1/128\ttrust",
          "local\treplication\tall\ttrust",
          "host\treplication\tall\t127.0.0.1/32\ttrust",
          "host\treplication\tall\t::1/128\ttrust",
          "");

  /**
   * A standby refuses to start when its max_connections, max_worker_processes, max_wal_senders,
   * max_prepared_transactions or max_locks_per_transaction is below the value recorded in the
   * backup's pg_control, so the source cluster runs with small values that any compute's settings
   * exceed (Static and Replica computes start as standbys of this backup).
   */
  static final String MINIMAL_STANDBY_SETTINGS =
      String.join(
          "\n",
          "max_connections = 10",
          "superuser_reserved_connections = 1",
          "max_worker_processes = 2",
          "max_wal_senders = 2",
          "max_prepared_transactions = 0",
          "max_locks_per_transaction = 32",
          "");

  private StandInBasebackup() {}

  /**
   * Starts a cluster under {@code workDir} (which the Postgres user must be able to write), takes a
   * {@code pg_basebackup -Ft -X fetch}, stops and deletes the cluster.
   */
  public static BasebackupTar create(PgInstall pg, Path workDir, int port) throws IOException {
    Path dataDir = workDir.resolve("source-data");
    Path outDir = workDir.resolve("basebackup");
    String marker;
    try (LocalCluster cluster =
        LocalCluster.startWithConfigOutside(pg, dataDir, port, MINIMAL_STANDBY_SETTINGS)) {
      cluster.psql(
          "postgres",
          "create table "
              + MARKER_TABLE
              + "(id int, note text); insert into "
              + MARKER_TABLE
              + " values (1, '"
              + MARKER_NOTE
              + "')");
      marker =
          cluster.psql("postgres", "select pg_relation_filepath('" + MARKER_TABLE + "')").trim();
      // The running server has already read these; the basebackup copies the new contents.
      Files.writeString(dataDir.resolve("pg_hba.conf"), NEON_HBA);
      Files.writeString(dataDir.resolve("postgresql.auto.conf"), "");
      cluster.basebackup(outDir);
    }
    byte[] tar = Files.readAllBytes(outDir.resolve("base.tar"));
    Lsn[] range = walRange(outDir.resolve("backup_manifest"));
    deleteTree(workDir.resolve("source-data"));
    deleteTree(workDir.resolve("source-data.conf"));
    Log.info(
        "stand-in basebackup ready: " + tar.length + " bytes, WAL " + range[0] + " to " + range[1]);
    return new BasebackupTar(tar, range[0], range[1], marker);
  }

  /** Same, in a fresh directory owned by the Postgres user under {@code parent}. */
  public static BasebackupTar createIn(PgInstall pg, Path parent, int port) throws IOException {
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "standin-bb-");
    RunAs.chownTree(RunAs.unprivilegedUser(), work);
    return create(pg, work, port);
  }

  /**
   * The backup's WAL range from pg_basebackup's manifest ({@code WAL-Ranges}: Start-LSN, End-LSN).
   */
  static Lsn[] walRange(Path manifest) throws IOException {
    JsonObject m = Json.parse(Files.readString(manifest, StandardCharsets.UTF_8)).asObject();
    JsonValue ranges = m.get("WAL-Ranges");
    if (ranges == null || !ranges.isArray() || ranges.asArray().isEmpty()) {
      throw new ComputeCtlException("backup manifest " + manifest + " has no WAL-Ranges");
    }
    JsonObject last = ranges.asArray().get(ranges.asArray().size() - 1).asObject();
    return new Lsn[] {
      Lsn.parse(last.getString("Start-LSN", "")), Lsn.parse(last.getString("End-LSN", ""))
    };
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
