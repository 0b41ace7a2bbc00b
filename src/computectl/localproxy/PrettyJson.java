package computectl.localproxy;

import computectl.spec.LocalProxySpec;
import computectl.spec.TlsConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The local_proxy configuration file text: the {@code local_proxy_config} object pretty-printed the
 * way upstream's JSON library does it (two-space indent, {@code "key": value}, absent {@code jwks}
 * and {@code tls} left out, {@code jwt_audience} written as null when absent, no final newline).
 */
final class PrettyJson {
  private PrettyJson() {}

  static String of(LocalProxySpec spec) {
    List<String[]> members = new ArrayList<>();
    if (spec.jwks() != null) {
      List<String> entries = new ArrayList<>();
      for (LocalProxySpec.JwksSettings j : spec.jwks()) {
        entries.add(
            object(
                List.of(
                    member("id", string(j.id())),
                    member(
                        "role_names",
                        array(j.roleNames().stream().map(PrettyJson::string).toList())),
                    member("jwks_url", string(j.jwksUrl())),
                    member("provider_name", string(j.providerName())),
                    member(
                        "jwt_audience",
                        j.jwtAudience() == null ? "null" : string(j.jwtAudience())))));
      }
      members.add(member("jwks", array(entries)));
    }
    TlsConfig tls = spec.tls();
    if (tls != null) {
      members.add(
          member(
              "tls",
              object(
                  List.of(
                      member("key_path", string(tls.keyPath())),
                      member("cert_path", string(tls.certPath()))))));
    }
    return object(members);
  }

  private static String[] member(String key, String value) {
    return new String[] {key, value};
  }

  private static String object(List<String[]> members) {
    if (members.isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{\n");
    for (int i = 0; i < members.size(); i++) {
      sb.append("  ")
          .append(string(members.get(i)[0]))
          .append(": ")
          .append(indent(members.get(i)[1]));
      sb.append(i + 1 < members.size() ? ",\n" : "\n");
    }
    return sb.append('}').toString();
  }

  private static String array(List<String> values) {
    if (values.isEmpty()) {
      return "[]";
    }
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < values.size(); i++) {
      sb.append("  ").append(indent(values.get(i))).append(i + 1 < values.size() ? ",\n" : "\n");
    }
    return sb.append(']').toString();
  }

  /** A nested value's continuation lines move two spaces right. */
  private static String indent(String value) {
    return value.replace("\n", "\n  ");
  }

  /**
   * A JSON string, escaped as upstream does: the short escapes, {@code \\u00xx} for other control
   * characters.
   */
  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
