package computectl.reconcile;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import computectl.metrics.ExportedMetrics;
import computectl.postgres.PgConnector;
import computectl.util.Log;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The installed-extensions survey (behaviour.md 12.10): in every connectable, valid database (at
 * most 500), which extension versions are installed and whether the bootstrap superuser owns them.
 * Sets {@code compute_installed_extensions} and logs the {@code [NEON_EXT_STAT]} line.
 */
public final class InstalledExtensions {
  public static final String APPLICATION_NAME = "compute_ctl:get_installed_extensions";

  /** The bootstrap superuser's oid: extensions it owns were installed by the platform. */
  static final int BOOTSTRAP_SUPERUSER_OID = 10;

  static final String LIST_DATABASES =
      "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND datconnlimit <> -2 LIMIT"
          + " 500";
  static final String LIST_EXTENSIONS =
      "SELECT extname, extversion, extowner::integer FROM pg_catalog.pg_extension";

  /** One (extension, version, owner kind) and the number of databases that have it. */
  public record InstalledExtension(
      String extname, String version, int nDatabases, String ownedBySuperuser) {}

  private InstalledExtensions() {}

  /** Surveys the databases, updates the gauge and logs the result; returns it. */
  public static List<InstalledExtension> collect(PgConnector connector, ExportedMetrics metrics) {
    List<InstalledExtension> found = survey(connector);
    for (InstalledExtension e : found) {
      metrics.installedExtensions.set(
          e.nDatabases(), e.extname(), e.version(), e.ownedBySuperuser());
    }
    Log.info("[NEON_EXT_STAT] " + toJson(found));
    return found;
  }

  static List<InstalledExtension> survey(PgConnector connector) {
    List<String> dbs = new ArrayList<>();
    try (Connection c = connector.connect(connector.systemDatabase(), APPLICATION_NAME);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(LIST_DATABASES)) {
      while (rs.next()) {
        dbs.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new ReconcileException("installed extensions: listing databases failed", e);
    }
    Map<List<String>, Integer> counts = new LinkedHashMap<>();
    for (String db : dbs) {
      try (Connection c = connector.connect(db, APPLICATION_NAME);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(LIST_EXTENSIONS)) {
        while (rs.next()) {
          String owned = rs.getInt(3) == BOOTSTRAP_SUPERUSER_OID ? "1" : "0";
          counts.merge(List.of(rs.getString(1), rs.getString(2), owned), 1, Integer::sum);
        }
      } catch (SQLException e) {
        throw new ReconcileException(
            "installed extensions: reading extensions of database " + db + " failed", e);
      }
    }
    List<InstalledExtension> out = new ArrayList<>();
    counts.forEach((k, n) -> out.add(new InstalledExtension(k.get(0), k.get(1), n, k.get(2))));
    return out;
  }

  /** {@code {"extensions":[{"extname","version","n_databases","owned_by_superuser"}]}}. */
  public static String toJson(List<InstalledExtension> extensions) {
    JsonArray list = Json.array();
    for (InstalledExtension e : extensions) {
      list.add(
          new JsonObject()
              .add("extname", e.extname())
              .add("version", e.version())
              .add("n_databases", e.nDatabases())
              .add("owned_by_superuser", e.ownedBySuperuser()));
    }
    return new JsonObject().add("extensions", list).toString();
  }
}
