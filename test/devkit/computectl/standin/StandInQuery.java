package computectl.standin;

import computectl.spec.Lsn;
import java.util.List;
import java.util.regex.Pattern;

/** A command the stand-in understands, parsed from the query text. */
record StandInQuery(
    Kind kind,
    String tenant,
    String timeline,
    Lsn lsn,
    boolean gzip,
    boolean replica,
    String error) {
  enum Kind {
    BASEBACKUP,
    TIMELINE_STATUS,
    LEASE,
    /** SET commands are accepted and ignored, as the safekeeper does for drivers' session setup. */
    SET,
    EMPTY,
    UNSUPPORTED
  }

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SHARD_ID = Pattern.compile("[0-9a-f]{32}(-[0-9a-f]{4})?");

  static StandInQuery parse(String query) {
    String q = query.trim();
    if (q.isEmpty()) {
      return simple(Kind.EMPTY);
    }
    String[] t = q.split("\\s+");
    if (t[0].equals("basebackup")) {
      return basebackup(t, query);
    }
    if (t[0].equalsIgnoreCase("set")) {
      return simple(Kind.SET);
    }
    if (t[0].startsWith("TIMELINE_STATUS")) {
      return simple(Kind.TIMELINE_STATUS);
    }
    if (t.length == 5
        && t[0].equals("lease")
        && t[1].equals("lsn")
        && SHARD_ID.matcher(t[2]).matches()
        && ID.matcher(t[3]).matches()) {
      Lsn lsn = lsnOrNull(t[4]);
      if (lsn != null) {
        return new StandInQuery(Kind.LEASE, t[2], t[3], lsn, false, false, null);
      }
    }
    return unsupported("unsupported command: " + query);
  }

  private static StandInQuery basebackup(String[] t, String query) {
    if (t.length < 3 || !ID.matcher(t[1]).matches() || !ID.matcher(t[2]).matches()) {
      return unsupported("invalid basebackup command (tenant and timeline ids expected): " + query);
    }
    Lsn lsn = null;
    boolean gzip = false;
    boolean replica = false;
    for (int i = 3; i < t.length; i++) {
      switch (t[i]) {
        case "--gzip" -> gzip = true;
        case "--replica" -> replica = true;
        default -> {
          lsn = i == 3 ? lsnOrNull(t[i]) : null;
          if (lsn == null) {
            return unsupported("invalid basebackup argument \"" + t[i] + "\"");
          }
        }
      }
    }
    return new StandInQuery(Kind.BASEBACKUP, t[1], t[2], lsn, gzip, replica, null);
  }

  private static Lsn lsnOrNull(String s) {
    try {
      return Lsn.parse(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static StandInQuery simple(Kind kind) {
    return new StandInQuery(kind, null, null, null, false, false, null);
  }

  private static StandInQuery unsupported(String error) {
    return new StandInQuery(Kind.UNSUPPORTED, null, null, null, false, false, error);
  }

  /** Result columns (empty for commands without rows). */
  List<String> columns() {
    return switch (kind) {
      case TIMELINE_STATUS -> List.of("flush_lsn", "commit_lsn");
      case LEASE -> List.of("valid_until");
      default -> List.of();
    };
  }
}
