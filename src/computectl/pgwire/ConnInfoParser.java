package computectl.pgwire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * libpq connection strings: {@code key=value} lists (values optionally in single quotes, with
 * backslash escapes) and {@code postgresql://} / {@code postgres://} URIs. Produces the raw keyword
 * map in the order given; {@link ConnInfo} interprets it.
 */
final class ConnInfoParser {
  /** The keywords libpq knows; anything else is an error there and here. */
  static final Set<String> KEYWORDS =
      Set.of(
          "host",
          "hostaddr",
          "port",
          "dbname",
          "user",
          "password",
          "passfile",
          "channel_binding",
          "connect_timeout",
          "client_encoding",
          "options",
          "application_name",
          "fallback_application_name",
          "keepalives",
          "keepalives_idle",
          "keepalives_interval",
          "keepalives_count",
          "tcp_user_timeout",
          "replication",
          "gssencmode",
          "sslmode",
          "sslnegotiation",
          "requiressl",
          "sslcompression",
          "sslcert",
          "sslkey",
          "sslpassword",
          "sslcertmode",
          "sslrootcert",
          "sslcrl",
          "sslcrldir",
          "sslsni",
          "requirepeer",
          "ssl_min_protocol_version",
          "ssl_max_protocol_version",
          "krbsrvname",
          "gsslib",
          "gssdelegation",
          "service",
          "target_session_attrs",
          "load_balance_hosts",
          "require_auth",
          "min_protocol_version",
          "max_protocol_version");

  private ConnInfoParser() {}

  static boolean isUri(String s) {
    return s.startsWith("postgresql://") || s.startsWith("postgres://");
  }

  static Map<String, String> parse(String s) {
    if (s == null) {
      throw new ConnInfoException("connection string is missing");
    }
    return isUri(s) ? parseUri(s) : parseKeyValue(s);
  }

  /** A key=value pair and where it sits in the text (so it can be cut out when redacting). */
  record Pair(String key, String value, int start, int end) {}

  static List<Pair> pairs(String s) {
    List<Pair> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (true) {
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return out;
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
        throw new ConnInfoException(
            "missing \"=\" after \"" + key + "\" in connection info string");
      }
      i++;
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      i = s.startsWith("'", i) ? quotedValue(s, i + 1, value) : bareValue(s, i, value);
      out.add(new Pair(key, value.toString(), start, i));
    }
  }

  private static int quotedValue(String s, int i, StringBuilder value) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < n) {
        value.append(s.charAt(i + 1));
        i += 2;
      } else if (c == '\'') {
        return i + 1;
      } else {
        value.append(c);
        i++;
      }
    }
    throw new ConnInfoException("unterminated quoted string in connection info string");
  }

  private static int bareValue(String s, int i, StringBuilder value) {
    int n = s.length();
    while (i < n && !Character.isWhitespace(s.charAt(i))) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < n) {
        value.append(s.charAt(i + 1));
        i += 2;
      } else {
        value.append(c);
        i++;
      }
    }
    return i;
  }

  private static Map<String, String> parseKeyValue(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Pair p : pairs(s)) {
      put(out, p.key(), p.value());
    }
    return out;
  }

  private static void put(Map<String, String> out, String key, String value) {
    if (!KEYWORDS.contains(key)) {
      throw new ConnInfoException("invalid connection option \"" + key + "\"");
    }
    out.put(key, value);
  }

  private static Map<String, String> parseUri(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    String rest = s.substring(s.indexOf("://") + 3);
    int fragment = rest.indexOf('#');
    if (fragment >= 0) {
      throw new ConnInfoException("unexpected \"#\" in connection URI");
    }
    int query = rest.indexOf('?');
    String params = query >= 0 ? rest.substring(query + 1) : null;
    rest = query >= 0 ? rest.substring(0, query) : rest;
    int slash = rest.indexOf('/');
    String authority = slash >= 0 ? rest.substring(0, slash) : rest;
    if (slash >= 0 && slash + 1 < rest.length()) {
      out.put("dbname", decode(rest.substring(slash + 1)));
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      userInfo(authority.substring(0, at), out);
      authority = authority.substring(at + 1);
    }
    hostPort(authority, out);
    if (params != null) {
      queryParams(params, out);
    }
    return out;
  }

  private static void userInfo(String info, Map<String, String> out) {
    int colon = info.indexOf(':');
    String user = colon >= 0 ? info.substring(0, colon) : info;
    if (!user.isEmpty()) {
      out.put("user", decode(user));
    }
    if (colon >= 0) {
      out.put("password", decodeSecret(info.substring(colon + 1)));
    }
  }

  /**
   * The host part of a URI: {@code host[:port]} or {@code [v6][:port]}, or a comma-separated list
   * of them (libpq's multi-host form), stored as libpq stores it: comma-separated host and port
   * lists, an empty entry meaning the default.
   */
  private static void hostPort(String authority, Map<String, String> out) {
    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (String entry : authority.split(",", -1)) {
      String[] hostAndPort = hostPortEntry(entry);
      hosts.add(decode(hostAndPort[0]));
      ports.add(decode(hostAndPort[1]));
    }
    if (anyNonEmpty(hosts)) {
      out.put("host", String.join(",", hosts));
    }
    if (anyNonEmpty(ports)) {
      out.put("port", String.join(",", ports));
    }
  }

  private static boolean anyNonEmpty(List<String> values) {
    for (String v : values) {
      if (!v.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** One {@code host[:port]} entry as {host, port}; either may be empty. */
  private static String[] hostPortEntry(String entry) {
    if (!entry.startsWith("[")) {
      int colon = entry.lastIndexOf(':');
      return colon >= 0
          ? new String[] {entry.substring(0, colon), entry.substring(colon + 1)}
          : new String[] {entry, ""};
    }
    int close = entry.indexOf(']');
    if (close < 0) {
      throw new ConnInfoException("missing \"]\" in IPv6 host address in connection URI");
    }
    String host = entry.substring(1, close);
    if (host.isEmpty()) {
      throw new ConnInfoException("IPv6 host address may not be empty in connection URI");
    }
    String after = entry.substring(close + 1);
    if (!after.isEmpty() && !after.startsWith(":")) {
      throw new ConnInfoException(
          "unexpected character \""
              + after.charAt(0)
              + "\" after IPv6 host address in connection URI");
    }
    return new String[] {host, after.isEmpty() ? "" : after.substring(1)};
  }

  private static void queryParams(String params, Map<String, String> out) {
    for (String kv : params.split("&", -1)) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      if (eq < 0) {
        throw new ConnInfoException(
            "missing key/value separator \"=\" in URI query parameter: \"" + kv + "\"");
      }
      if (kv.indexOf('=', eq + 1) >= 0) {
        throw new ConnInfoException(
            "extra key/value separator \"=\" in URI query parameter: \"" + kv + "\"");
      }
      String key = decode(kv.substring(0, eq));
      String value =
          key.equals("password")
              ? decodeSecret(kv.substring(eq + 1))
              : decode(kv.substring(eq + 1));
      if (key.equals("ssl") && value.equals("true")) {
        key = "sslmode";
        value = "require";
      }
      put(out, key, value);
    }
  }

  static String decode(String s) {
    return decode(s, "\"" + s + "\"");
  }

  /** Like {@link #decode(String)}, but errors do not quote the text. */
  static String decodeSecret(String s) {
    return decode(s, "in the password");
  }

  /** Percent-decoding as libpq does it: %XX to a byte, the bytes read as UTF-8; '+' stays '+'. */
  private static String decode(String s, String shown) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '%') {
        b.write(raw[i]);
        continue;
      }
      int hi = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new ConnInfoException("invalid percent-encoded token: " + shown);
      }
      int v = hi * 16 + lo;
      if (v == 0) {
        throw new ConnInfoException("forbidden value %00 in percent-encoded value: " + shown);
      }
      b.write(v);
      i += 2;
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
