package computectl.standin;

/**
 * A misbehaviour of the stand-in pageserver. Byte counts are CopyData payload bytes (the compressed
 * archive when --gzip was asked) sent before the fault strikes.
 */
public record StandInFault(Kind kind, long afterBytes) {
  public enum Kind {
    /** Accept the TCP connection, then close it before reading anything. */
    CLOSE_ON_ACCEPT,
    /** Answer the query with an ErrorResponse instead of data. */
    ERROR_AT_QUERY,
    /** Close the connection after N bytes of COPY data. */
    CLOSE_MID_STREAM,
    /**
     * Send an ErrorResponse after N bytes of COPY data (N past the end: after the whole archive).
     */
    ERROR_MID_STREAM,
    /**
     * Stop sending after N bytes of COPY data, keeping the connection open until the stand-in
     * closes.
     */
    STALL_MID_STREAM,
    /** After N bytes of COPY data send bytes that are not a protocol message, then close. */
    GARBAGE_MID_STREAM,
    /** SCRAM: accept the client's proof but send a wrong server signature. */
    BAD_SCRAM_SIGNATURE
  }

  public static final String ERROR_TEXT = "stand-in pageserver failing as configured";

  public static StandInFault closeOnAccept() {
    return new StandInFault(Kind.CLOSE_ON_ACCEPT, 0);
  }

  public static StandInFault errorAtQuery() {
    return new StandInFault(Kind.ERROR_AT_QUERY, 0);
  }

  public static StandInFault closeAfter(long bytes) {
    return new StandInFault(Kind.CLOSE_MID_STREAM, bytes);
  }

  public static StandInFault errorAfter(long bytes) {
    return new StandInFault(Kind.ERROR_MID_STREAM, bytes);
  }

  public static StandInFault stallAfter(long bytes) {
    return new StandInFault(Kind.STALL_MID_STREAM, bytes);
  }

  public static StandInFault garbageAfter(long bytes) {
    return new StandInFault(Kind.GARBAGE_MID_STREAM, bytes);
  }

  public static StandInFault badScramSignature() {
    return new StandInFault(Kind.BAD_SCRAM_SIGNATURE, 0);
  }

  boolean midStream() {
    return kind == Kind.CLOSE_MID_STREAM
        || kind == Kind.ERROR_MID_STREAM
        || kind == Kind.STALL_MID_STREAM
        || kind == Kind.GARBAGE_MID_STREAM;
  }
}
