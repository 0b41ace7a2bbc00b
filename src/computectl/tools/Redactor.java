package computectl.tools;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of what goes into a debug bundle. Two layers: the exact secrets of the spec
 * (password hashes, with and without their {@code md5} prefix, the parts of SCRAM verifiers, the
 * storage token, passwords inside connection strings) are replaced wherever they appear; then
 * patterns catch secrets the spec does not know (any md5 digest or SCRAM verifier, a {@code
 * PASSWORD '...'} literal, {@code password=} in a libpq string, a URL's password, a bearer token or
 * JWT).
 */
final class Redactor {
  static final String MARK = "<redacted>";

  /** Shorter strings are too likely to occur by chance; the patterns still cover their contexts. */
  static final int MIN_SECRET_LENGTH = 4;

  private static final Pattern SECRET_KEY = Pattern.compile("password|passwd|token|secret");
  private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@'\"]*:)([^@\\s/'\"]*)@");
  private static final Pattern KV_PASSWORD =
      Pattern.compile("(?i)\\b(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s'\"]+)");
  private static final List<Rule> RULES =
      List.of(
          new Rule(Pattern.compile("md5[0-9a-fA-F]{32}"), "md5" + MARK),
          new Rule(
              Pattern.compile(
                  "SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+"),
              "SCRAM-SHA-256\\$" + MARK),
          new Rule(URL_PASSWORD, "$1" + MARK + "@"),
          new Rule(KV_PASSWORD, "$1" + MARK),
          new Rule(Pattern.compile("(?i)\\b(PASSWORD\\s+)E?'(?:[^']|'')*'"), "$1'" + MARK + "'"),
          new Rule(Pattern.compile("(?i)\\b(Bearer\\s+)[A-Za-z0-9._~+/=-]+"), "$1" + MARK),
          new Rule(Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), MARK));

  private record Rule(Pattern pattern, String replacement) {}

  /** Longest first, so that a secret containing another is replaced whole. */
  private final List<String> secrets;

  private Redactor(Set<String> secrets) {
    List<String> list = new ArrayList<>(secrets);
    list.removeIf(s -> s.length() < MIN_SECRET_LENGTH);
    list.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(list);
  }

  /** A redactor knowing the secrets of {@code spec} (null: patterns only). */
  static Redactor forSpec(JsonValue spec) {
    Set<String> found = new LinkedHashSet<>();
    if (spec != null) {
      collect(spec, null, found);
    }
    return new Redactor(found);
  }

  List<String> secrets() {
    return secrets;
  }

  private static void collect(JsonValue v, String key, Set<String> out) {
    if (v.isObject()) {
      for (JsonObject.Member m : v.asObject()) {
        collect(m.getValue(), m.getName(), out);
      }
    } else if (v.isArray()) {
      for (JsonValue e : v.asArray()) {
        collect(e, key, out);
      }
    } else if (v.isString()) {
      String s = v.asString();
      if (key != null && isSecretKey(key)) {
        addSecret(s, out);
      }
      connstrPasswords(s, out);
    }
  }

  private static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
  }

  /**
   * The secret itself, and the forms in which it shows up elsewhere (catalog md5, verifier parts).
   */
  private static void addSecret(String s, Set<String> out) {
    out.add(s);
    if (MD5_HEX.matcher(s).matches()) {
      out.add("md5" + s);
    }
    if (s.startsWith("SCRAM-SHA-256$")) {
      for (String part : s.substring("SCRAM-SHA-256$".length()).split("[$:]")) {
        if (part.length() >= 8) {
          out.add(part);
        }
      }
    }
  }

  private static void connstrPasswords(String s, Set<String> out) {
    Matcher url = URL_PASSWORD.matcher(s);
    while (url.find()) {
      if (!url.group(2).isEmpty()) {
        out.add(url.group(2));
        out.add(URLDecoder.decode(url.group(2).replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    Matcher kv = KV_PASSWORD.matcher(s);
    while (kv.find()) {
      String value = kv.group(2);
      out.add(
          value.startsWith("'") && value.length() >= 2
              ? value.substring(1, value.length() - 1)
              : value);
    }
  }

  /** {@code text} with every known secret and every secret-looking pattern replaced. */
  String text(String text) {
    String s = text;
    for (String secret : secrets) {
      s = s.replace(secret, MARK);
    }
    for (Rule r : RULES) {
      s = r.pattern().matcher(s).replaceAll(r.replacement());
    }
    return s;
  }

  /** A copy of the spec with secret fields blanked and every other string redacted as text. */
  JsonValue spec(JsonValue v) {
    return copy(v, null);
  }

  private JsonValue copy(JsonValue v, String key) {
    if (v.isObject()) {
      JsonObject o = new JsonObject();
      for (JsonObject.Member m : v.asObject()) {
        o.add(m.getName(), copy(m.getValue(), m.getName()));
      }
      return o;
    }
    if (v.isArray()) {
      JsonArray a = new JsonArray();
      for (JsonValue e : v.asArray()) {
        a.add(copy(e, key));
      }
      return a;
    }
    if (v.isString()) {
      return Json.value(key != null && isSecretKey(key) ? MARK : text(v.asString()));
    }
    return v;
  }

  /** The known secrets that occur in {@code text} (the bundle's last check: must be empty). */
  List<String> leaks(String text) {
    return secrets.stream().filter(text::contains).toList();
  }
}
