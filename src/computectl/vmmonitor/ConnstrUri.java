package computectl.vmmonitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The URI form of a libpq connection string,
 * {@code postgresql://[user[:password]@][host][:port][,...][/dbname][?key=value&...]}, turned
 * into the same key/value map the key=value form gives.
 */
final class ConnstrUri {
  private ConnstrUri() {}

  static Map<String, String> parse(String uri) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    Map<String, String> kv = new LinkedHashMap<>();
    int q = rest.indexOf('?');
    if (q >= 0) {
      for (String pair : rest.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new VmMonitorException("invalid connection string: missing \"=\" in URI parameter \"" + pair + "\"");
        }
        LibpqConnstr.put(kv, LibpqConnstr.decode(pair.substring(0, eq)), LibpqConnstr.decode(pair.substring(eq + 1)));
      }
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      if (slash + 1 < rest.length()) {
        kv.put("dbname", LibpqConnstr.decode(rest.substring(slash + 1)));
      }
      rest = rest.substring(0, slash);
    }
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      kv.put("user", LibpqConnstr.decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        kv.put("password", LibpqConnstr.decode(userInfo.substring(colon + 1)));
      }
      rest = rest.substring(at + 1);
    }
    if (!rest.isEmpty()) {
      hostsAndPorts(rest, kv);
    }
    return kv;
  }

  private static void hostsAndPorts(String list, Map<String, String> kv) {
    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    boolean anyPort = false;
    for (String part : list.split(",", -1)) {
      String host = part;
      String port = "";
      if (part.startsWith("[")) {
        int close = part.indexOf(']');
        if (close < 0) {
          throw new VmMonitorException("invalid connection string: unterminated IPv6 host in \"" + part + "\"");
        }
        host = part.substring(1, close);
        port = part.length() > close + 1 && part.charAt(close + 1) == ':' ? part.substring(close + 2) : "";
      } else if (part.contains(":")) {
        host = part.substring(0, part.indexOf(':'));
        port = part.substring(part.indexOf(':') + 1);
      }
      anyPort |= !port.isEmpty();
      hosts.add(host.isEmpty() ? "localhost" : LibpqConnstr.decode(host));
      ports.add(port.isEmpty() ? "5432" : port);
    }
    kv.putIfAbsent("host", String.join(",", hosts));
    if (anyPort) {
      kv.putIfAbsent("port", String.join(",", ports));
    }
  }
}
