package computectl.pgwire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Message framing over one socket, shared by our client and the stand-in servers. Every blocking
 * read is bounded by the per-read timeout and, when set, an absolute deadline; running out gives
 * "timed out reading from host:port". EOF inside a message is reported as a closed connection.
 */
public final class MessageStream implements Closeable {
  /** Message types a server sends. */
  public static final String BACKEND_TYPES = "RSKZTDCIENAHGWdc123ntsv";

  /** Message types a client sends. */
  public static final String FRONTEND_TYPES = "QPBDESXpfcdHCF";

  /** Longest non-COPY message we accept: a bigger length word means garbage on the wire. */
  public static final int MAX_MESSAGE_LENGTH = 256 << 20;

  private static final int BUFFER_SIZE = 256 << 10;

  private final Socket socket;
  private final String peer;
  private final InputStream in;
  private final OutputStream out;
  private long readTimeoutMillis;
  private long deadlineNanos;
  private boolean hasDeadline;
  private long bytesRead;
  private char lastType;
  private String acceptedTypes;

  public MessageStream(Socket socket, String peer) throws IOException {
    this.socket = socket;
    this.peer = peer;
    this.in = new BufferedInputStream(socket.getInputStream(), BUFFER_SIZE);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
  }

  /** host:port of the other side, for messages. */
  public String peer() {
    return peer;
  }

  /** Per-read timeout; 0 means none. */
  public void setReadTimeoutMillis(long millis) {
    this.readTimeoutMillis = Math.max(0, millis);
  }

  /**
   * An absolute limit (System.nanoTime based) on all further reads, on top of the per-read timeout.
   */
  public void setDeadlineNanos(long nanoTime) {
    this.deadlineNanos = nanoTime;
    this.hasDeadline = true;
  }

  /**
   * The message types this side may receive; any other type byte is reported at once as garbage
   * instead of trusting its length word. Null accepts everything.
   */
  public void setAcceptedTypes(String types) {
    this.acceptedTypes = types;
  }

  /** Bytes read from the socket so far (framing included). */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * Reads a type byte and a length word; returns the body length (the type: {@link #lastType()}).
   */
  public int readHeader() {
    int type = readByte();
    lastType = (char) type;
    if (acceptedTypes != null && acceptedTypes.indexOf(type) < 0) {
      throw new WireException(
          "unexpected message "
              + describe(lastType)
              + " from "
              + peer
              + " (garbage on the connection?)");
    }
    int len = readInt32();
    if (len < 4) {
      throw new WireException(
          "invalid length " + len + " of message " + describe(lastType) + " from " + peer);
    }
    return len - 4;
  }

  /** The type of the message whose header {@link #readHeader()} read last. */
  public char lastType() {
    return lastType;
  }

  /** A whole typed message, refusing bodies longer than {@link #MAX_MESSAGE_LENGTH}. */
  public Message read() {
    int len = readHeader();
    if (len > MAX_MESSAGE_LENGTH) {
      throw new WireException(
          "message "
              + describe(lastType)
              + " from "
              + peer
              + " claims "
              + len
              + " bytes, more than the limit of "
              + MAX_MESSAGE_LENGTH
              + " (garbage on the connection?)");
    }
    byte[] body = new byte[len];
    readFully(body, 0, len);
    return new Message(lastType, body);
  }

  /** An untyped startup-phase packet (StartupMessage, SSLRequest, CancelRequest): its body. */
  public byte[] readStartupPacket(int maxLength) {
    int len = readInt32();
    if (len < 8 || len > maxLength) {
      throw new WireException("invalid startup packet length " + len + " from " + peer);
    }
    byte[] body = new byte[len - 4];
    readFully(body, 0, body.length);
    return body;
  }

  public int readByte() {
    try {
      armTimeout();
      int b = in.read();
      if (b < 0) {
        throw closed();
      }
      bytesRead++;
      return b;
    } catch (IOException e) {
      throw readError(e);
    }
  }

  public int readInt32() {
    byte[] b = new byte[4];
    readFully(b, 0, 4);
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  public void readFully(byte[] b, int off, int len) {
    int done = 0;
    while (done < len) {
      done += readSome(b, off + done, len - done);
    }
  }

  /** Reads between 1 and len bytes; EOF is an error. */
  public int readSome(byte[] b, int off, int len) {
    try {
      armTimeout();
      int n = in.read(b, off, len);
      if (n < 0) {
        throw closed();
      }
      bytesRead += n;
      return n;
    } catch (IOException e) {
      throw readError(e);
    }
  }

  public void write(char type, byte[] body) throws IOException {
    out.write(type);
    writeInt32(body.length + 4);
    out.write(body);
  }

  /** An untyped packet (the StartupMessage): length word then body. */
  public void writeUntyped(byte[] body) throws IOException {
    writeInt32(body.length + 4);
    out.write(body);
  }

  public void writeRaw(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  /** A CopyData message whose payload is a slice of {@code b} (no copy). */
  public void writeCopyData(byte[] b, int off, int len) throws IOException {
    out.write('d');
    writeInt32(len + 4);
    out.write(b, off, len);
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void writeInt32(int v) throws IOException {
    out.write((v >>> 24) & 0xFF);
    out.write((v >>> 16) & 0xFF);
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
  }

  private void armTimeout() throws IOException {
    long timeout = readTimeoutMillis;
    if (hasDeadline) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new WireException("timed out reading from " + peer);
      }
      timeout = timeout == 0 ? left : Math.min(timeout, left);
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout));
  }

  private WireException closed() {
    return new WireException("connection to " + peer + " closed unexpectedly");
  }

  private WireException readError(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return new WireException("timed out reading from " + peer);
    }
    if (e instanceof EOFException) {
      return closed();
    }
    return new WireException("error reading from " + peer + ": " + e.getMessage(), e);
  }

  /** A message type for error texts: the letter and its protocol name when known. */
  public static String describe(char type) {
    String name =
        switch (type) {
          case 'R' -> "Authentication";
          case 'S' -> "ParameterStatus";
          case 'K' -> "BackendKeyData";
          case 'Z' -> "ReadyForQuery";
          case 'T' -> "RowDescription";
          case 'D' -> "DataRow";
          case 'C' -> "CommandComplete";
          case 'I' -> "EmptyQueryResponse";
          case 'E' -> "ErrorResponse";
          case 'N' -> "NoticeResponse";
          case 'A' -> "NotificationResponse";
          case 'H' -> "CopyOutResponse";
          case 'G' -> "CopyInResponse";
          case 'W' -> "CopyBothResponse";
          case 'd' -> "CopyData";
          case 'c' -> "CopyDone";
          case '1' -> "ParseComplete";
          case '2' -> "BindComplete";
          case '3' -> "CloseComplete";
          case 'n' -> "NoData";
          case 't' -> "ParameterDescription";
          case 's' -> "PortalSuspended";
          case 'v' -> "NegotiateProtocolVersion";
          default -> null;
        };
    String code =
        type >= 0x21 && type < 0x7F ? "'" + type + "'" : String.format("0x%02x", (int) type);
    return name == null ? "of unknown type " + code : name + " (" + code + ")";
  }
}
