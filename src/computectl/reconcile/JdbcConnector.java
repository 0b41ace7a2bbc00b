package computectl.reconcile;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A {@link PgConnector} over the PostgreSQL JDBC driver, built from a libpq-style URL such as
 * {@code --connstr} ({@code postgresql://cloud_admin@127.0.0.1:55432/postgres}). Connections use
 * the simple query protocol, as upstream sends its reconciliation statements, and no TLS.
 */
public final class JdbcConnector implements PgConnector {
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String systemDb;
  private final Map<String, String> extraProperties;

  public JdbcConnector(
      String host,
      int port,
      String user,
      String password,
      String systemDb,
      Map<String, String> extraProperties) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.systemDb = systemDb;
    this.extraProperties = Map.copyOf(extraProperties);
  }

  /**
   * Parses {@code postgres://} or {@code postgresql://} URLs: user, password, host, port (default
   * 5432), database (default: the user name, as libpq) and query parameters, which are passed to
   * the driver ({@code application_name} is ours to set and is dropped).
   */
  public static JdbcConnector fromConnstr(String connstr) {
    URI uri;
    try {
      uri = new URI(connstr);
    } catch (URISyntaxException e) {
      throw new ReconcileException("cannot parse connstr as a URL: " + e.getReason());
    }
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new ReconcileException("connstr must start with postgres:// or postgresql://");
    }
    if (uri.getHost() == null) {
      throw new ReconcileException("connstr has no host");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String db = path.length() > 1 ? decode(path.substring(1)) : user;
    String host =
        uri.getHost().startsWith("[")
            ? uri.getHost().substring(1, uri.getHost().length() - 1)
            : uri.getHost();
    return new JdbcConnector(
        host,
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        user,
        password,
        db,
        queryProperties(uri.getRawQuery()));
  }

  private static Map<String, String> queryProperties(String rawQuery) {
    Map<String, String> props = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return props;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      switch (key) {
        case "application_name" -> {}
        case "connect_timeout" -> props.put("connectTimeout", value);
        default -> props.put(key, value);
      }
    }
    return props;
  }

  private static String decode(String s) {
    // URLDecoder would turn '+' into a space, which libpq URLs do not do.
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public String user() {
    return user;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  @Override
  public String systemDatabase() {
    return systemDb;
  }

  @Override
  public Optional<PgConnector> asUser(String otherUser) {
    return Optional.of(
        new JdbcConnector(host, port, otherUser, password, systemDb, extraProperties));
  }

  @Override
  public Connection connect(String dbname, String applicationName) throws SQLException {
    Properties props = new Properties();
    props.putAll(extraProperties);
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", applicationName);
    props.putIfAbsent("sslmode", "disable");
    props.setProperty("preferQueryMode", "simple");
    return DriverManager.getConnection(jdbcUrl(dbname), props);
  }

  /**
   * The driver URL; the database goes in the path, percent-encoded, since names may hold anything.
   */
  String jdbcUrl(String dbname) {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return "jdbc:postgresql://"
        + h
        + ":"
        + port
        + "/"
        + URLEncoder.encode(dbname, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    // No password here: connectors end up in log lines.
    return "postgresql://" + user + "@" + host + ":" + port + "/" + systemDb;
  }
}
