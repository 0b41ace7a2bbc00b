package computectl.postgres;

import computectl.pgwire.ConnInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A {@link PgConnector} over the PostgreSQL JDBC driver, built from a libpq connection string such
 * as {@code --connstr} ({@code postgresql://cloud_admin@127.0.0.1:55432/postgres}). Connections use
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

  /** {@link #of} the string parsed with libpq's rules ({@link ConnInfo#parse}). */
  public static JdbcConnector fromConnstr(String connstr) {
    return of(ConnInfo.parse(connstr));
  }

  /**
   * The server, user (default {@code postgres}), password and database (default: the user name, as
   * libpq) of a parsed connection string; its other parameters go to the driver ({@code
   * connect_timeout} as {@code connectTimeout}; {@code application_name} is ours to set and is
   * dropped).
   */
  public static JdbcConnector of(ConnInfo info) {
    String host = info.param("hostaddr") != null ? info.param("hostaddr") : info.host();
    if (host == null) {
      throw new PgException("connstr has no host");
    }
    if (info.isUnixSocket()) {
      throw new PgException("connstr names a Unix-domain socket; a TCP host is needed");
    }
    String user = info.user() == null ? "postgres" : info.user();
    Map<String, String> props = new LinkedHashMap<>();
    info.params()
        .forEach(
            (key, value) -> {
              switch (key) {
                case "application_name", "fallback_application_name", "hostaddr" -> {}
                case "connect_timeout" -> props.put("connectTimeout", value);
                default -> props.put(key, value);
              }
            });
    return new JdbcConnector(
        host,
        info.port(),
        user,
        info.password(),
        info.dbname() == null ? user : info.dbname(),
        props);
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
    // Every server compute_ctl runs is 14 or newer: the driver then sends application_name in
    // the startup packet instead of a SET after it, one round trip less per connection.
    props.setProperty("assumeMinServerVersion", "14");
    String url = jdbcUrl(dbname);
    Connection c = PgDriver.INSTANCE.connect(url, props);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not take the URL " + url);
    }
    return c;
  }

  /**
   * The PostgreSQL driver, called directly instead of through {@code DriverManager}, which at its
   * first connection looks for every JDBC driver on the class path, a resource lookup in each of
   * the image's jars (about 2 ms of a fresh JVM's first connection, beside the Postgres start). A
   * holder class: the driver's own initialization (java.util.logging among others) waits for the
   * first connection instead of running where a connector is made.
   */
  private static final class PgDriver {
    static final Driver INSTANCE = new org.postgresql.Driver();
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
