package computectl.pgwire;

import java.io.InputStream;

/**
 * The payload of a COPY OUT response as a byte stream: CopyData bodies back to back, read straight
 * from the socket without copying. The stream ends after CopyDone, CommandComplete and
 * ReadyForQuery have arrived, so an ErrorResponse at any point, also after the data, is thrown (as
 * a {@link WireException}) instead of passing for a clean end.
 */
public final class CopyOutStream extends InputStream {
  private final WireClient client;
  private final MessageStream stream;
  private long remaining;
  private long bytesRead;
  private boolean copyDone;
  private boolean finished;
  private WireException failure;

  CopyOutStream(WireClient client, MessageStream stream) {
    this.client = client;
    this.stream = stream;
  }

  /** CopyData payload bytes received so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * The error that ended the stream, if any (so callers can report it even if a decoder masked it).
   */
  public WireException failure() {
    return failure;
  }

  public boolean finished() {
    return finished;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    try {
      while (remaining == 0) {
        if (finished || !nextMessage()) {
          return -1;
        }
      }
      int n = stream.readSome(b, off, (int) Math.min(len, remaining));
      remaining -= n;
      bytesRead += n;
      return n;
    } catch (WireException e) {
      failure = e;
      client.markBroken();
      throw e;
    }
  }

  /** Reads one message after a CopyData body; false when ReadyForQuery ended the exchange. */
  private boolean nextMessage() {
    int len = stream.readHeader();
    char type = stream.lastType();
    if (type == 'd' && !copyDone) {
      remaining = len;
      return true;
    }
    if (len > MessageStream.MAX_MESSAGE_LENGTH) {
      throw new WireException(
          "message "
              + MessageStream.describe(type)
              + " from "
              + stream.peer()
              + " claims "
              + len
              + " bytes (garbage on the connection?)");
    }
    byte[] body = new byte[len];
    stream.readFully(body, 0, len);
    switch (type) {
      case 'c', 'C' -> copyDone = true;
      case 'Z' -> {
        if (!copyDone) {
          throw new WireException(
              "server " + stream.peer() + " ended the query before finishing COPY OUT");
        }
        finished = true;
        return false;
      }
      case 'E' -> throw client.serverErrorDuringCopy(ServerNotice.parse(body));
      case 'N' -> WireClient.logNotice(stream.peer(), ServerNotice.parse(body));
      case 'S', 'A' -> {} // parameter changes and notifications need no answer
      default ->
          throw new WireException(
              "unexpected message "
                  + MessageStream.describe(type)
                  + " from "
                  + stream.peer()
                  + " during COPY OUT after "
                  + bytesRead
                  + " bytes");
    }
    return true;
  }

  /** Closing before the end leaves the connection mid-protocol, so it is closed too. */
  @Override
  public void close() {
    if (!finished) {
      client.markBroken();
    }
  }
}
