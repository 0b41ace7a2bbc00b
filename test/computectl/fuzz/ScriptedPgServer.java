package computectl.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in Postgres-protocol server that answers every connection with the bytes of the current
 * script, whatever the client says, then ends its side of the connection and reads until the client
 * hangs up. The one concession to the client: a placeholder of the SCRAM client nonce's length in
 * the script is replaced by the nonce the client sent, so that mutated SCRAM exchanges get past the
 * nonce check into the salt, iteration and signature handling.
 */
final class ScriptedPgServer implements AutoCloseable {
  /** As long as the client's nonce (18 random bytes in base64). */
  static final String NONCE_PLACEHOLDER = "%%CLIENT-NONCE-24-CHARS%";

  private static final byte[] PLACEHOLDER = NONCE_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
  private static final Pattern CLIENT_NONCE = Pattern.compile("n,,n=[^,]*,r=([A-Za-z0-9+/=]{24})");
  private static final int NONCE_WAIT_MILLIS = 300;

  private final ServerSocket server;
  private final Thread acceptor;
  private final ExecutorService connections =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fuzz-pg-standin-connection");
            t.setDaemon(true);
            return t;
          });
  private volatile byte[] script = new byte[0];
  private volatile boolean closed;

  ScriptedPgServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "fuzz-pg-standin");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** What the next connections get. */
  void script(byte[] bytes) {
    script = bytes;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        byte[] bytes = script;
        connections.execute(() -> serve(s, bytes));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private static void serve(Socket s, byte[] bytes) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      int at = indexOf(bytes, PLACEHOLDER);
      if (at < 0) {
        out.write(bytes);
      } else {
        out.write(bytes, 0, at);
        out.flush();
        String nonce = readNonce(s, in, seen);
        out.write(nonce != null ? nonce.getBytes(StandardCharsets.US_ASCII) : PLACEHOLDER);
        out.write(bytes, at + PLACEHOLDER.length, bytes.length - at - PLACEHOLDER.length);
      }
      out.flush();
      s.shutdownOutput();
      s.setSoTimeout(5000);
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // reset, timeout or an early hang-up: the client is done either way
    }
  }

  /** Reads what the client sends until its SCRAM nonce shows up, it stops, or a short wait ends. */
  private static String readNonce(Socket s, InputStream in, ByteArrayOutputStream seen)
      throws IOException {
    long until = System.nanoTime() + NONCE_WAIT_MILLIS * 1_000_000L;
    byte[] buf = new byte[4096];
    while (seen.size() < 65536) {
      long left = (until - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return null;
      }
      s.setSoTimeout((int) left);
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (n < 0) {
        return null;
      }
      seen.write(buf, 0, n);
      Matcher m = CLIENT_NONCE.matcher(seen.toString(StandardCharsets.ISO_8859_1));
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    connections.shutdownNow();
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
