package computectl.vmmonitor;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.ConnInfoException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The file cache connection string (libpq {@code key=value ...} or a {@code postgresql://} URI, one
 * host or several), parsed by {@link ConnInfo} and turned into a JDBC URL and properties. On top of
 * what libpq accepts, the monitor refuses an sslmode that demands TLS (it never uses TLS) and
 * unix-domain socket hosts (the JDBC driver speaks TCP only).
 */
public final class LibpqConnstr {
  private static final Set<String> TLS_MODES = Set.of("require", "verify-ca", "verify-full");
  private static final Set<String> NON_TLS_MODES = Set.of("disable", "allow", "prefer");

  private final List<ConnInfo> hosts;
  private final String user;
  private final String dbname;

  private LibpqConnstr(List<ConnInfo> hosts) {
    this.hosts = hosts;
    ConnInfo first = hosts.get(0);
    this.user = first.user() != null ? first.user() : System.getProperty("user.name");
    this.dbname = first.dbname() != null ? first.dbname() : user;
  }

  /** Parses either form; the message of the exception names the offending part. */
  public static LibpqConnstr parse(String connstr) {
    List<ConnInfo> hosts;
    try {
      hosts = ConnInfo.parseHostList(connstr.strip());
    } catch (ConnInfoException e) {
      // Our prefix already says where the error is; pgwire's suffix would say it twice.
      throw invalid(e.getMessage().replace(" in connection info string", ""));
    }
    for (ConnInfo host : hosts) {
      if (host.isUnixSocket()) {
        throw invalid(
            "host \""
                + host.connectHost()
                + "\" is not a TCP host (unix-domain sockets are not supported by the vm-monitor)");
      }
    }
    String sslmode = hosts.get(0).params().getOrDefault("sslmode", "prefer");
    if (TLS_MODES.contains(sslmode)) {
      throw invalid("sslmode=" + sslmode + " requires TLS, which the vm-monitor does not use");
    }
    if (!NON_TLS_MODES.contains(sslmode)) {
      throw invalid("invalid sslmode value: \"" + sslmode + "\"");
    }
    return new LibpqConnstr(hosts);
  }

  private static VmMonitorException invalid(String why) {
    return new VmMonitorException("invalid connection string: " + why);
  }

  public List<String> hosts() {
    return hosts.stream().map(ConnInfo::connectHost).toList();
  }

  public List<Integer> ports() {
    return hosts.stream().map(ConnInfo::port).toList();
  }

  public String dbname() {
    return dbname;
  }

  public String user() {
    return user;
  }

  /** {@code jdbc:postgresql://host:port[,host:port]/dbname}. */
  public String jdbcUrl() {
    List<String> addresses = hosts.stream().map(ConnInfo::address).toList();
    return "jdbc:postgresql://"
        + String.join(",", addresses)
        + "/"
        + URLEncoder.encode(dbname, StandardCharsets.UTF_8);
  }

  /**
   * Driver properties: those {@link ConnInfo} maps, with the default user filled in and TLS off.
   */
  public Properties jdbcProperties() {
    Properties p = hosts.get(0).jdbcProperties(null);
    p.setProperty("user", user);
    p.setProperty("sslmode", "disable");
    return p;
  }

  /** For logs: everything but the password. */
  @Override
  public String toString() {
    return "host="
        + String.join(",", hosts())
        + " port="
        + ports().toString().replaceAll("[\\[\\] ]", "")
        + " dbname="
        + dbname
        + " user="
        + user;
  }
}
