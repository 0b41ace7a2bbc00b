package computectl.cli;

import computectl.pgwire.ConnInfo;
import computectl.pgwire.ConnInfoException;
import computectl.util.Ascii;
import computectl.util.CommandLine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses compute_ctl's command line the way upstream's clap definition does ({@link CommandLine}
 * reads it: {@code --flag value}, {@code --flag=value}, {@code -D value}, {@code -Dvalue}, {@code
 * -D=value}); values are checked as they are read, then conflicts, then required flags. Where
 * upstream panics (no spec source at all) this gives a usage error instead.
 */
public final class ArgsParser {
  static final String LEGACY_EXT_PROXY = "http://pg-ext-s3-gateway";

  private final Map<Flag, String> values = new EnumMap<>(Flag.class);

  private ArgsParser() {}

  /**
   * Parses and checks the command line.
   *
   * @param args the arguments after the program name
   * @param env the process environment (only {@code POSTGRES_PATH} is read; an empty value counts
   *     as unset)
   * @throws UsageException with a one-line message naming the flag
   */
  public static Args parse(String[] args, Map<String, String> env) {
    // Plain loops, no streams or regular expressions: this runs first thing in a fresh JVM, where
    // their first use cost the start about 3.5 ms (6.5 -> 2.9 ms to parse the bench's command
    // line).
    List<CommandLine.Option> options = new ArrayList<>();
    List<CommandLine.Option> required = new ArrayList<>();
    for (Flag f : Flag.values()) {
      options.add(f.option());
      if (f.required()) {
        required.add(f.option());
      }
    }
    CommandLine line =
        CommandLine.read(
            options,
            args,
            UsageException::new,
            (option, value) -> check(Flag.byLongName(option.longName()), value));
    ArgsParser p = new ArgsParser();
    for (Flag f : Flag.values()) {
      String v = line.get(f.option());
      if (v != null) {
        p.values.put(f, v);
      }
    }
    if (line.stoppedBy() != null) {
      return p.build(env, line.has(Flag.HELP.option()), line.has(Flag.VERSION.option()));
    }
    p.checkConflicts();
    line.require(required);
    p.checkSpecSource();
    return p.build(env, false, false);
  }

  private static void check(Flag flag, String value) {
    if (flag == Flag.EXTERNAL_HTTP_PORT || flag == Flag.INTERNAL_HTTP_PORT) {
      port(flag, value);
    } else if (flag == Flag.LOG_FORMAT && !value.equals("text") && !value.equals("json")) {
      throw invalid(flag, value, "expected text or json");
    } else if (flag == Flag.CONNSTR && !isPostgresUrl(value)) {
      // The value is not echoed: a connection string may carry a password.
      throw new UsageException(
          "invalid value for '" + flag.display() + "': cannot parse connstr as a URL");
    }
  }

  private static int port(Flag flag, String value) {
    if (!Ascii.isDigits(value, 5) || Integer.parseInt(value) > 65535) {
      throw invalid(flag, value, "expected a port number from 0 to 65535");
    }
    return Integer.parseInt(value);
  }

  /**
   * A {@code postgres://} or {@code postgresql://} URL that parses with libpq's rules ({@link
   * ConnInfo#parse}, as the compute later reads it); a libpq key=value string is refused, as
   * upstream takes only a URL.
   */
  static boolean isPostgresUrl(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("postgres://") && !lower.startsWith("postgresql://")) {
      return false;
    }
    // A URL has no raw white space; libpq would take "bad host" as a host name.
    for (int i = 0; i < value.length(); i++) {
      if (Character.isWhitespace(value.charAt(i))) {
        return false;
      }
    }
    try {
      ConnInfo.parse(value);
      return true;
    } catch (ConnInfoException e) {
      return false;
    }
  }

  private void checkConflicts() {
    for (Flag other : List.of(Flag.SPEC, Flag.SPEC_PATH)) {
      if (values.containsKey(Flag.CONTROL_PLANE_URI) && values.containsKey(other)) {
        throw new UsageException(
            "the argument '"
                + Flag.CONTROL_PLANE_URI.display()
                + "' cannot be used with '"
                + other.display()
                + "'");
      }
    }
  }

  /** Where upstream panics (no spec source at all), a usage error. */
  private void checkSpecSource() {
    if (!values.containsKey(Flag.SPEC)
        && !values.containsKey(Flag.SPEC_PATH)
        && !values.containsKey(Flag.CONTROL_PLANE_URI)) {
      throw new UsageException(
          "must specify "
              + Flag.CONTROL_PLANE_URI.display()
              + ", "
              + Flag.SPEC.display()
              + " or "
              + Flag.SPEC_PATH.display());
    }
  }

  private Args build(Map<String, String> env, boolean help, boolean version) {
    return new Args(
        valueOrDefault(Flag.PGBIN, env),
        remoteExtConfig(values.get(Flag.REMOTE_EXT_CONFIG)),
        port(Flag.EXTERNAL_HTTP_PORT, valueOrDefault(Flag.EXTERNAL_HTTP_PORT, env)),
        port(Flag.INTERNAL_HTTP_PORT, valueOrDefault(Flag.INTERNAL_HTTP_PORT, env)),
        values.get(Flag.PGDATA),
        values.get(Flag.CONNSTR),
        valueOrDefault(Flag.CGROUP, env),
        valueOrDefault(Flag.FILECACHE_CONNSTR, env),
        valueOrDefault(Flag.VM_MONITOR_ADDR, env),
        values.containsKey(Flag.RESIZE_SWAP_ON_BIND),
        values.get(Flag.SET_DISK_QUOTA_FOR_FS),
        values.get(Flag.SPEC),
        values.get(Flag.SPEC_PATH),
        values.get(Flag.COMPUTE_ID),
        values.get(Flag.CONTROL_PLANE_URI),
        values.get(Flag.BASEBACKUP_FILE),
        valueOrDefault(Flag.LOG_FORMAT, env),
        help,
        version);
  }

  private String valueOrDefault(Flag flag, Map<String, String> env) {
    String v = values.get(flag);
    if (v == null && flag.env() != null) {
      String e = env.get(flag.env());
      v = e == null || e.isEmpty() ? null : e;
    }
    return v != null ? v : flag.defaultValue();
  }

  /**
   * Upstream's lenient reading: an http(s) URL loses its trailing slashes; anything else is the
   * legacy proxy.
   */
  static String remoteExtConfig(String value) {
    if (value == null) {
      return null;
    }
    if (!value.startsWith("http")) {
      return LEGACY_EXT_PROXY;
    }
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '/') {
      end--;
    }
    return value.substring(0, end);
  }

  private static UsageException invalid(Flag flag, String value, String why) {
    return new UsageException("invalid value '" + value + "' for '" + flag.display() + "': " + why);
  }
}
