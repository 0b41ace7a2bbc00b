package computectl.spec;

/** Feature flags; any unrecognised string parses as {@link #UNKNOWN_FEATURE}. */
public enum Feature {
  ACTIVITY_MONITOR_EXPERIMENTAL("activity_monitor_experimental"),
  POSTGRES_LOGS_EXPORT("postgres_logs_export"),
  UNKNOWN_FEATURE("unknown_feature");

  private final String json;

  Feature(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  public static Feature fromJson(String s) {
    for (Feature f : values()) {
      if (f != UNKNOWN_FEATURE && f.json.equals(s)) {
        return f;
      }
    }
    return UNKNOWN_FEATURE;
  }
}
