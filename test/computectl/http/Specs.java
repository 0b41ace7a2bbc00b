package computectl.http;

/** Small spec documents for the HTTP tests. */
final class Specs {
  static final String TENANT = "b0554b632bd4d547a63b86c3630317e8";
  static final String TIMELINE = "2414a61ffc94e428f14b5758fe308e13";

  private Specs() {}

  /** A valid primary spec; {@code extra} is spliced in as further top-level members. */
  static String minimal(String extra) {
    return "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[]},"
        + "\"tenant_id\":\""
        + TENANT
        + "\",\"timeline_id\":\""
        + TIMELINE
        + "\","
        + "\"pageserver_connstring\":\"postgresql://no_user@127.0.0.1:6400\","
        + "\"safekeeper_connstrings\":[\"127.0.0.1:5454\"]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  static String minimal() {
    return minimal("");
  }

  /** A /configure body around {@code spec}. */
  static String configure(String spec) {
    return "{\"spec\":" + spec + ",\"compute_ctl_config\":{\"jwks\":{\"keys\":[]}}}";
  }
}
