package computectl.spec;

/**
 * {@code mode}: {@code "Primary"}, {@code {"Static": "<lsn>"}} or {@code "Replica"}. The LSN is set
 * only for Static.
 */
public record ComputeMode(Kind kind, Lsn lsn) {
  public enum Kind {
    PRIMARY("Primary", "primary"),
    STATIC("Static", "static"),
    REPLICA("Replica", "replica");

    private final String json;
    private final String type;

    Kind(String json, String type) {
      this.json = json;
      this.type = type;
    }

    /** The JSON spelling. */
    public String json() {
      return json;
    }

    /** The lower-case mode type used for {@code neon.compute_mode} and pageserver options. */
    public String type() {
      return type;
    }
  }

  public static final ComputeMode PRIMARY = new ComputeMode(Kind.PRIMARY, null);
  public static final ComputeMode REPLICA = new ComputeMode(Kind.REPLICA, null);

  public ComputeMode {
    if ((kind == Kind.STATIC) != (lsn != null)) {
      throw new IllegalArgumentException("an LSN goes with Static mode only");
    }
  }

  public static ComputeMode staticAt(Lsn lsn) {
    return new ComputeMode(Kind.STATIC, lsn);
  }

  public boolean isPrimary() {
    return kind == Kind.PRIMARY;
  }

  public String type() {
    return kind.type();
  }
}
