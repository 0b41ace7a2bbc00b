package computectl.pgwire;

import computectl.util.Ascii;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed libpq connection string. {@code host}, {@code user}, {@code password} and {@code dbname}
 * are null when not given (empty values count as not given, as in libpq); {@code params} holds
 * every other keyword in the order written. {@link #toString()} never shows the password.
 */
public record ConnInfo(
    String host,
    int port,
    String user,
    String password,
    String dbname,
    Map<String, String> params) {
  public static final int DEFAULT_PORT = 5432;
  private static final List<String> CORE = List.of("host", "port", "user", "password", "dbname");

  public ConnInfo {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    if (port < 1 || port > 65535) {
      throw new ConnInfoException("invalid port number: \"" + port + "\"");
    }
  }

  /** Parses a {@code key=value} string or a {@code postgresql://} / {@code postgres://} URI. */
  public static ConnInfo parse(String connstr) {
    Map<String, String> raw = ConnInfoParser.parse(connstr);
    String host = emptyToNull(raw.get("host"));
    if (host != null && host.contains(",")) {
      throw new ConnInfoException("multiple hosts are not supported: \"" + host + "\"");
    }
    return fromRaw(raw, host, raw.get("port"), raw.get("hostaddr"));
  }

  /**
   * Like {@link #parse}, but also takes libpq's multi-host form ({@code host=a,b port=1,2} or
   * {@code postgresql://a:1,b:2}): one ConnInfo per host, in order. As in libpq a single port
   * serves every host, and a {@code hostaddr} list must match the {@code host} list.
   */
  public static List<ConnInfo> parseHostList(String connstr) {
    Map<String, String> raw = ConnInfoParser.parse(connstr);
    List<String> hosts = commaList(raw.get("host"));
    List<String> addrs = commaList(raw.get("hostaddr"));
    List<String> ports = commaList(raw.get("port"));
    if (raw.containsKey("host") && raw.containsKey("hostaddr") && hosts.size() != addrs.size()) {
      throw new ConnInfoException(
          "could not match "
              + hosts.size()
              + " host names to "
              + addrs.size()
              + " hostaddr values");
    }
    int count = raw.containsKey("host") ? hosts.size() : addrs.size();
    if (ports.size() != 1 && ports.size() != count) {
      throw new ConnInfoException(
          "could not match " + ports.size() + " port numbers to " + count + " hosts");
    }
    List<ConnInfo> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String addr = raw.containsKey("hostaddr") ? addrs.get(i) : null;
      out.add(
          fromRaw(
              raw,
              emptyToNull(hosts.get(i < hosts.size() ? i : 0)),
              ports.get(ports.size() == 1 ? 0 : i),
              addr));
    }
    return List.copyOf(out);
  }

  private static List<String> commaList(String text) {
    return text == null ? List.of("") : List.of(text.split(",", -1));
  }

  private static ConnInfo fromRaw(
      Map<String, String> raw, String host, String port, String hostaddr) {
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String k = e.getKey();
      if (!CORE.contains(k)) {
        params.put(k, k.equals("hostaddr") ? hostaddr : e.getValue());
      }
    }
    return new ConnInfo(
        host,
        parsePort(emptyToNull(port)),
        emptyToNull(raw.get("user")),
        emptyToNull(raw.get("password")),
        emptyToNull(raw.get("dbname")),
        params);
  }

  private static int parsePort(String text) {
    if (text == null) {
      return DEFAULT_PORT;
    }
    if (!Ascii.isDigits(text, 5)) {
      throw new ConnInfoException("invalid port number: \"" + text + "\"");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new ConnInfoException("invalid port number: \"" + text + "\"");
    }
    return port;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** One of the other parameters, or null. */
  public String param(String key) {
    return params.get(key);
  }

  /** The host to connect to: {@code hostaddr} when given, else {@code host}, else localhost. */
  public String connectHost() {
    String addr = emptyToNull(params.get("hostaddr"));
    if (addr != null) {
      return addr;
    }
    return host == null ? "localhost" : host;
  }

  /** {@code host:port} as used in messages ({@code [v6]:port} for IPv6 literals). */
  public String address() {
    String h = connectHost();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
  }

  public boolean isUnixSocket() {
    return connectHost().startsWith("/") || connectHost().startsWith("@");
  }

  public ConnInfo withPassword(String newPassword) {
    return new ConnInfo(host, port, user, emptyToNull(newPassword), dbname, params);
  }

  /** {@code jdbc:postgresql://host:port/dbname} for the org.postgresql driver (TCP hosts only). */
  public String jdbcUrl() {
    if (isUnixSocket()) {
      throw new ConnInfoException(
          "Unix-domain socket host \"" + connectHost() + "\" is not supported; use a TCP host");
    }
    String db = dbname == null ? "" : URLEncoder.encode(dbname, StandardCharsets.UTF_8);
    return "jdbc:postgresql://" + address() + "/" + db;
  }

  /**
   * Driver properties for {@link #jdbcUrl()}: user, password, ApplicationName (the argument when
   * not null, else the string's application_name), and the libpq options that have a driver
   * equivalent. Client-only libpq settings without one are left out.
   */
  public Properties jdbcProperties(String applicationName) {
    Properties p = new Properties();
    putIf(p, "user", user);
    putIf(p, "password", password);
    String app =
        applicationName != null
            ? applicationName
            : params.getOrDefault("application_name", params.get("fallback_application_name"));
    putIf(p, "ApplicationName", app);
    putIf(p, "options", params.get("options"));
    putIf(p, "sslmode", params.get("sslmode"));
    putIf(p, "sslcert", params.get("sslcert"));
    putIf(p, "sslkey", params.get("sslkey"));
    putIf(p, "sslrootcert", params.get("sslrootcert"));
    putIf(p, "sslpassword", params.get("sslpassword"));
    putIf(p, "gssEncMode", params.get("gssencmode"));
    putIf(p, "replication", params.get("replication"));
    putIf(p, "connectTimeout", params.get("connect_timeout"));
    if ("1".equals(params.get("keepalives"))) {
      p.setProperty("tcpKeepAlive", "true");
    }
    return p;
  }

  private static void putIf(Properties p, String key, String value) {
    if (value != null && !value.isEmpty()) {
      p.setProperty(key, value);
    }
  }

  /** The {@code key=value} form without the password. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendPair(sb, "host", host);
    appendPair(sb, "port", Integer.toString(port));
    appendPair(sb, "user", user);
    appendPair(sb, "dbname", dbname);
    params.forEach((k, v) -> appendPair(sb, k, v));
    return sb.toString();
  }

  private static void appendPair(StringBuilder sb, String key, String value) {
    if (value == null) {
      return;
    }
    if (sb.length() > 0) {
      sb.append(' ');
    }
    sb.append(key).append('=').append(quote(value));
  }

  /** A value quoted for a key=value string when it needs it. */
  public static String quote(String value) {
    boolean plain =
        !value.isEmpty()
            && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '\\');
    if (plain) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * {@code connstr} as written, minus its password: a URI loses {@code :password} from the user
   * part and any {@code password=} parameter; a key=value string loses its password pair. A string
   * that does not parse is not shown at all.
   */
  public static String redact(String connstr) {
    if (connstr == null) {
      return "(none)";
    }
    try {
      ConnInfoParser.parse(connstr);
    } catch (ConnInfoException e) {
      return "(unparsable connection string)";
    }
    if (ConnInfoParser.isUri(connstr)) {
      return redactUri(connstr);
    }
    StringBuilder sb = new StringBuilder(connstr);
    List<ConnInfoParser.Pair> pairs = ConnInfoParser.pairs(connstr);
    for (int i = pairs.size() - 1; i >= 0; i--) {
      ConnInfoParser.Pair p = pairs.get(i);
      if (p.key().equals("password")) {
        sb.delete(p.start(), p.end());
      }
    }
    return sb.toString().trim().replaceAll("\\s{2,}", " ");
  }

  private static String redactUri(String uri) {
    int schemeEnd = uri.indexOf("://") + 3;
    int query = uri.indexOf('?', schemeEnd);
    int authorityEnd = uri.indexOf('/', schemeEnd);
    if (authorityEnd < 0 || (query >= 0 && query < authorityEnd)) {
      authorityEnd = query >= 0 ? query : uri.length();
    }
    String authority = uri.substring(schemeEnd, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0 && authority.substring(0, at).contains(":")) {
      authority = authority.substring(0, authority.indexOf(':')) + authority.substring(at);
    }
    String path = query >= 0 ? uri.substring(authorityEnd, query) : uri.substring(authorityEnd);
    String out = uri.substring(0, schemeEnd) + authority + path;
    if (query >= 0) {
      StringBuilder q = new StringBuilder();
      for (String kv : uri.substring(query + 1).split("&", -1)) {
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : ConnInfoParser.decode(kv.substring(0, eq));
        if (!kv.isEmpty() && !key.equals("password")) {
          q.append(q.length() == 0 ? "" : "&").append(kv);
        }
      }
      out += q.length() == 0 ? "" : "?" + q;
    }
    return out;
  }
}
