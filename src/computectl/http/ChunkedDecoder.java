package computectl.http;

import java.io.ByteArrayOutputStream;

/**
 * Decodes a chunked request body as its bytes arrive, a buffer at a time (RFC 9112 7.1), so that
 * the selector thread never waits for the rest. Chunk extensions and trailer fields are skipped.
 */
final class ChunkedDecoder {
  /** A chunk-size line or trailer field longer than this is refused. */
  private static final int MAX_LINE = 8192;

  private enum State {
    SIZE,
    DATA,
    DATA_END,
    TRAILER,
    DONE
  }

  private State state = State.SIZE;
  private final StringBuilder line = new StringBuilder();
  private long chunkLeft;
  private long decoded;

  boolean done() {
    return state == State.DONE;
  }

  /** Body bytes decoded so far, kept or not. */
  long decoded() {
    return decoded;
  }

  /**
   * Decodes from {@code buf[off, off+len)} into {@code body}, keeping at most {@code keep} bytes in
   * all there (the rest is dropped but still counted by the caller through the return value).
   *
   * @return how many input bytes were used (fewer than {@code len} only once the body is done)
   * @throws RequestHead.Refused on a malformed chunk
   */
  int decode(byte[] buf, int off, int len, ByteArrayOutputStream body, long keep)
      throws RequestHead.Refused {
    int i = off;
    int end = off + len;
    while (i < end && state != State.DONE) {
      if (state == State.DATA) {
        int n = (int) Math.min(chunkLeft, end - i);
        int kept = (int) Math.max(0, Math.min(n, keep - body.size()));
        body.write(buf, i, kept);
        i += n;
        chunkLeft -= n;
        decoded += n;
        if (chunkLeft == 0) {
          state = State.DATA_END;
        }
        continue;
      }
      byte b = buf[i++];
      if (b != '\n') {
        if (line.length() >= MAX_LINE) {
          throw new RequestHead.Refused(400, "chunk line too long");
        }
        line.append((char) (b & 0xff));
        continue;
      }
      String l = line.toString().strip();
      line.setLength(0);
      lineEnded(l);
    }
    return i - off;
  }

  private void lineEnded(String l) throws RequestHead.Refused {
    switch (state) {
      case SIZE -> {
        int semi = l.indexOf(';');
        String hex = (semi < 0 ? l : l.substring(0, semi)).strip();
        try {
          chunkLeft = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new RequestHead.Refused(400, "bad chunk size");
        }
        if (chunkLeft < 0) {
          throw new RequestHead.Refused(400, "bad chunk size");
        }
        state = chunkLeft == 0 ? State.TRAILER : State.DATA;
      }
      case DATA_END -> {
        if (!l.isEmpty()) {
          throw new RequestHead.Refused(400, "chunk not followed by CRLF");
        }
        state = State.SIZE;
      }
      case TRAILER -> {
        if (l.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException("line in state " + state);
    }
  }
}
