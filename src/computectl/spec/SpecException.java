package computectl.spec;

import computectl.util.ComputeCtlException;

/**
 * A spec that could not be read, parsed or accepted. The kind tells callers how to answer: the HTTP
 * API maps {@link Kind#SYNTAX} and {@link Kind#VALIDATION} to 400 and {@link Kind#SHAPE} to 422, as
 * upstream's JSON extractor and validation do. Shape and validation errors also carry the JSON path
 * of the field concerned.
 */
public final class SpecException extends ComputeCtlException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** Malformed JSON; the message ends with {@code at line L column C}. */
    SYNTAX,
    /** Well-formed JSON of the wrong shape; the message is {@code <json path>: <problem>}. */
    SHAPE,
    /** A well-shaped spec that fails upstream's checks (behaviour.md 3.4). */
    VALIDATION,
    /** The spec could not be obtained at all: unreadable file, control plane failure. */
    SOURCE
  }

  private final Kind kind;
  private final String path;

  public SpecException(Kind kind, String message) {
    this(kind, null, message, null);
  }

  public SpecException(Kind kind, String message, Throwable cause) {
    this(kind, null, message, cause);
  }

  /**
   * @param path the JSON path of the field concerned ({@code tenant_id}, {@code
   *     cluster.settings[0].value}), or null when the error is about no one field
   */
  public SpecException(Kind kind, String path, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.path = path;
  }

  public Kind kind() {
    return kind;
  }

  /** The JSON path of the field concerned, or null. */
  public String path() {
    return path;
  }

  static SpecException shape(String path, String problem) {
    return new SpecException(Kind.SHAPE, path, path + ": " + problem, null);
  }
}
