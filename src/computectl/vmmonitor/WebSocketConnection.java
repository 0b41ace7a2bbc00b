package computectl.vmmonitor;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server end of an upgraded WebSocket (RFC 6455, no extensions). One thread reads ({@link
 * #read}); any thread may write (writes are serialised). Control frames are handled here: pings get
 * pongs, a close gets its echo. Frame-level violations close the connection with the matching
 * status (1002 protocol error, 1007 bad UTF-8, 1009 too big).
 */
final class WebSocketConnection {
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int PROTOCOL_ERROR = 1002;
  static final int INVALID_PAYLOAD = 1007;
  static final int POLICY_VIOLATION = 1008;
  static final int MESSAGE_TOO_BIG = 1009;
  static final int INTERNAL_ERROR = 1011;
  private static final int CONTINUATION = 0;
  private static final int TEXT = 1;
  private static final int BINARY = 2;
  private static final int CLOSE = 8;
  private static final int PING = 9;
  private static final int PONG = 10;

  /** A complete data message; binary payloads are not kept (the monitor skips them). */
  record Message(boolean text, String payload, int length) {}

  private final Socket socket;
  private final InputStream in;
  private final int maxMessageBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private boolean closeSent;

  WebSocketConnection(Socket socket, InputStream in, int maxMessageBytes) {
    this.socket = socket;
    this.in = in;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The next data message, or null once the peer closed (close frame or end of stream). */
  Message read() throws IOException {
    ByteArrayOutputStream message = null;
    int messageOpcode = 0;
    while (true) {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = readByte();
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0F;
      if ((b0 & 0x70) != 0) {
        throw fail(PROTOCOL_ERROR, "reserved bits set, but no extension was negotiated");
      }
      if ((b1 & 0x80) == 0) {
        throw fail(PROTOCOL_ERROR, "client frame is not masked");
      }
      long length = payloadLength(b1 & 0x7F);
      if (opcode >= CLOSE) {
        if (opcode > PONG) {
          throw fail(PROTOCOL_ERROR, "unknown opcode " + opcode);
        }
        if (!fin || length > 125) {
          throw fail(PROTOCOL_ERROR, "control frames must be unfragmented and at most 125 bytes");
        }
        byte[] payload = payload(length);
        if (opcode == PING) {
          send(PONG, payload);
        } else if (opcode == CLOSE) {
          answerClose(payload);
          return null;
        }
        continue;
      }
      if (opcode != CONTINUATION && opcode != TEXT && opcode != BINARY) {
        throw fail(PROTOCOL_ERROR, "unknown opcode " + opcode);
      }
      if ((opcode == CONTINUATION) != (message != null)) {
        throw fail(
            PROTOCOL_ERROR,
            opcode == CONTINUATION
                ? "continuation frame without a message to continue"
                : "new data frame before the fragmented message finished");
      }
      long soFar = message == null ? 0 : message.size();
      if (soFar + length > maxMessageBytes) {
        throw fail(MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
      }
      if (message == null) {
        message = new ByteArrayOutputStream();
        messageOpcode = opcode;
      }
      message.write(payload(length));
      if (fin) {
        byte[] data = message.toByteArray();
        return messageOpcode == TEXT
            ? new Message(true, utf8(data, "text message"), data.length)
            : new Message(false, null, data.length);
      }
    }
  }

  private long payloadLength(int len7) throws IOException {
    if (len7 == 126) {
      return ((long) readByte() << 8) | readByte();
    }
    if (len7 == 127) {
      long len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | readByte();
      }
      if (len < 0) {
        throw fail(PROTOCOL_ERROR, "payload length has its most significant bit set");
      }
      return len;
    }
    return len7;
  }

  /** Reads the masking key and a payload already checked to be small enough, then unmasks it. */
  private byte[] payload(long length) throws IOException {
    byte[] mask = readFully(4);
    byte[] data = readFully((int) length);
    for (int i = 0; i < data.length; i++) {
      data[i] ^= mask[i & 3];
    }
    return data;
  }

  private void answerClose(byte[] payload) throws IOException {
    if (payload.length == 1) {
      throw fail(PROTOCOL_ERROR, "close frame with a 1-byte payload");
    }
    if (payload.length == 0) {
      sendClose(-1, "");
      return;
    }
    int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    if (!validCloseCode(code)) {
      throw fail(PROTOCOL_ERROR, "invalid close code " + code);
    }
    byte[] reason = new byte[payload.length - 2];
    System.arraycopy(payload, 2, reason, 0, reason.length);
    utf8(reason, "close reason");
    sendClose(code, "");
  }

  static boolean validCloseCode(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  private String utf8(byte[] data, String what) throws WebSocketProtocolException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(INVALID_PAYLOAD, "invalid UTF-8 in " + what);
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed in the middle of a frame");
    }
    return b;
  }

  private byte[] readFully(int n) throws IOException {
    byte[] data = in.readNBytes(n);
    if (data.length != n) {
      throw new EOFException("connection closed in the middle of a frame");
    }
    return data;
  }

  /** Sends a close with {@code code} and returns the exception for the reader to throw. */
  private WebSocketProtocolException fail(int code, String why) {
    sendClose(code, why);
    drainAndClose();
    return new WebSocketProtocolException(code, why);
  }

  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  private void send(int opcode, byte[] payload) throws IOException {
    int n = payload.length;
    int headerLength = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[headerLength + n];
    frame[0] = (byte) (0x80 | opcode);
    if (n < 126) {
      frame[1] = (byte) n;
    } else if (n <= 0xFFFF) {
      frame[1] = 126;
      frame[2] = (byte) (n >> 8);
      frame[3] = (byte) n;
    } else {
      frame[1] = 127;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) (i < 4 ? 0 : n >> (8 * (7 - i)));
      }
    }
    System.arraycopy(payload, 0, frame, headerLength, n);
    writeLock.lock();
    try {
      if (opcode != CLOSE && closeSent) {
        throw new IOException("WebSocket already closing");
      }
      socket.getOutputStream().write(frame);
      socket.getOutputStream().flush();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sends a close frame once ({@code code} -1: without a status); failures are ignored, the socket
   * is closed anyway by whoever ends the connection.
   */
  void sendClose(int code, String reason) {
    writeLock.lock();
    try {
      sendCloseLocked(code, reason);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Like {@link #sendClose}, but gives up if another thread is stuck writing (an agent that does
   * not read), so that stopping never hangs on a full socket buffer.
   */
  void sendCloseIfWritable(int code, String reason) {
    try {
      if (writeLock.tryLock(100, TimeUnit.MILLISECONDS)) {
        try {
          sendCloseLocked(code, reason);
        } finally {
          writeLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sendCloseLocked(int code, String reason) {
    if (closeSent) {
      return;
    }
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int n = code < 0 ? 0 : 2 + Math.min(r.length, 123);
    byte[] payload = new byte[n];
    if (code >= 0) {
      payload[0] = (byte) (code >> 8);
      payload[1] = (byte) code;
      System.arraycopy(r, 0, payload, 2, n - 2);
    }
    try {
      send(CLOSE, payload);
    } catch (IOException e) {
      // the peer is gone; nothing more to tell it
    }
    closeSent = true;
  }

  /**
   * After our close frame: half-close, give the peer up to a second to answer and hang up (so our
   * frames are not lost to a reset), then close.
   */
  void drainAndClose() {
    try {
      socket.shutdownOutput();
      socket.setSoTimeout(1000);
      long until = System.nanoTime() + 1_000_000_000L;
      byte[] sink = new byte[4096];
      while (System.nanoTime() < until && in.read(sink) >= 0) {
        // discard whatever the peer still sends
      }
    } catch (SocketTimeoutException e) {
      // the peer did not hang up in time
    } catch (IOException e) {
      // already closed
    }
    abort();
  }

  /** Closes the socket without a close frame (upstream's way of dropping a replaced agent). */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a socket that is already broken
    }
  }
}
