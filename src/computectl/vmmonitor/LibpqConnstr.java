package computectl.vmmonitor;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A libpq connection string ({@code key=value ...} or a {@code postgresql://} URI) turned into a
 * JDBC URL and properties. The monitor never uses TLS, so an sslmode that demands it is refused;
 * unix-domain socket hosts are refused too (the JDBC driver speaks TCP only).
 */
public final class LibpqConnstr {
  private static final Set<String> KNOWN = Set.of("host", "hostaddr", "port", "dbname", "user", "password",
      "sslmode", "application_name", "fallback_application_name", "connect_timeout", "options",
      "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
      "target_session_attrs", "channel_binding", "load_balance_hosts", "client_encoding", "gssencmode",
      "sslnegotiation");

  private final List<String> hosts;
  private final List<Integer> ports;
  private final String dbname;
  private final String user;
  private final String password;
  private final String applicationName;
  private final String options;

  private LibpqConnstr(Map<String, String> kv) {
    List<String> hostList = split(kv.getOrDefault("hostaddr", kv.getOrDefault("host", "localhost")));
    List<String> portList = split(kv.getOrDefault("port", "5432"));
    if (portList.size() != 1 && portList.size() != hostList.size()) {
      throw new VmMonitorException("invalid connection string: could not match " + portList.size()
          + " port numbers to " + hostList.size() + " hosts");
    }
    this.hosts = List.copyOf(hostList);
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < hostList.size(); i++) {
      p.add(port(portList.get(portList.size() == 1 ? 0 : i)));
      String h = hostList.get(i);
      if (h.isEmpty() || h.startsWith("/") || h.startsWith("@")) {
        throw new VmMonitorException("invalid connection string: host \"" + h
            + "\" is not a TCP host (unix-domain sockets are not supported by the vm-monitor)");
      }
    }
    this.ports = List.copyOf(p);
    this.user = kv.getOrDefault("user", System.getProperty("user.name"));
    this.dbname = kv.getOrDefault("dbname", user);
    this.password = kv.get("password");
    this.applicationName = kv.getOrDefault("application_name", kv.get("fallback_application_name"));
    this.options = kv.get("options");
    String sslmode = kv.getOrDefault("sslmode", "prefer");
    if (Set.of("require", "verify-ca", "verify-full").contains(sslmode)) {
      throw new VmMonitorException("invalid connection string: sslmode=" + sslmode
          + " requires TLS, which the vm-monitor does not use");
    }
    if (!Set.of("disable", "allow", "prefer").contains(sslmode)) {
      throw new VmMonitorException("invalid connection string: invalid sslmode value: \"" + sslmode + "\"");
    }
  }

  /** Parses either form; the message of the exception names the offending part. */
  public static LibpqConnstr parse(String connstr) {
    String s = connstr.strip();
    if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
      return new LibpqConnstr(ConnstrUri.parse(s));
    }
    return new LibpqConnstr(parseKeyValues(s));
  }

  static Map<String, String> parseKeyValues(String s) {
    Map<String, String> kv = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (true) {
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return kv;
      }
      int start = i;
      while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      String key = s.substring(start, i);
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n || s.charAt(i) != '=') {
        throw new VmMonitorException("invalid connection string: missing \"=\" after \"" + key + "\"");
      }
      i++;
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      i = readValue(s, i, value);
      put(kv, key, value.toString());
    }
  }

  /** Reads a bare or single-quoted value with backslash escapes; returns the index after it. */
  private static int readValue(String s, int i, StringBuilder out) {
    int n = s.length();
    boolean quoted = i < n && s.charAt(i) == '\'';
    if (quoted) {
      i++;
    }
    while (i < n) {
      char c = s.charAt(i);
      if (quoted ? c == '\'' : Character.isWhitespace(c)) {
        return quoted ? i + 1 : i;
      }
      if (c == '\\' && i + 1 < n) {
        i++;
        c = s.charAt(i);
      }
      out.append(c);
      i++;
    }
    if (quoted) {
      throw new VmMonitorException("invalid connection string: unterminated quoted string");
    }
    return i;
  }

  static void put(Map<String, String> kv, String key, String value) {
    if (!KNOWN.contains(key)) {
      throw new VmMonitorException("invalid connection string: invalid connection option \"" + key + "\"");
    }
    kv.put(key, value);
  }

  private static List<String> split(String commaList) {
    List<String> out = new ArrayList<>();
    for (String part : commaList.split(",", -1)) {
      out.add(part.strip());
    }
    return out;
  }

  private static int port(String s) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new VmMonitorException("invalid connection string: invalid port number: \"" + s + "\"");
  }

  public List<String> hosts() {
    return hosts;
  }

  public List<Integer> ports() {
    return ports;
  }

  public String dbname() {
    return dbname;
  }

  public String user() {
    return user;
  }

  /** {@code jdbc:postgresql://host:port[,host:port]/dbname}. */
  public String jdbcUrl() {
    StringBuilder sb = new StringBuilder("jdbc:postgresql://");
    for (int i = 0; i < hosts.size(); i++) {
      String h = hosts.get(i);
      sb.append(i == 0 ? "" : ",").append(h.contains(":") ? "[" + h + "]" : h).append(':').append(ports.get(i));
    }
    return sb.append('/').append(URLEncoder.encode(dbname, StandardCharsets.UTF_8)).toString();
  }

  /** Driver properties: credentials, application name, options, TLS off. */
  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    if (applicationName != null) {
      p.setProperty("ApplicationName", applicationName);
    }
    if (options != null) {
      p.setProperty("options", options);
    }
    p.setProperty("sslmode", "disable");
    return p;
  }

  /** For logs: everything but the password. */
  @Override
  public String toString() {
    return "host=" + String.join(",", hosts) + " port=" + ports.toString().replaceAll("[\\[\\] ]", "")
        + " dbname=" + dbname + " user=" + user;
  }

  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
