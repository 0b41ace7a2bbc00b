package computectl.warmup;

import computectl.pgwire.MessageBuilder;
import computectl.util.NamedThreads;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A Postgres v3 protocol peer inside this process, on a loopback port, that the warm-up's clients
 * (the basebackup's wire client, the JDBC driver) talk to: it asks for a cleartext password and
 * takes any, answers {@code basebackup ...} with a COPY OUT of the archive it was given and every
 * other query with one row holding {@code 1}. It serves one connection at a time on its own thread
 * and exists only while a warm-up runs; {@link #close()} also drops the connection in progress, so
 * that a client blocked on it fails at once.
 */
final class WarmupPeer implements AutoCloseable {
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CHUNK = 64 << 10;

  private final ServerSocket listener;
  private final byte[] archive;
  private final Thread thread;
  private volatile Socket current;

  private WarmupPeer(ServerSocket listener, byte[] archive) {
    this.listener = listener;
    this.archive = archive;
    this.thread = NamedThreads.daemon("warmup-peer", this::acceptLoop);
  }

  /** Listens on 127.0.0.1 (any free port) and serves {@code gzippedTar} to basebackup queries. */
  static WarmupPeer start(byte[] gzippedTar) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    WarmupPeer peer = new WarmupPeer(s, gzippedTar);
    peer.thread.start();
    return peer;
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try (Socket s = listener.accept()) {
        current = s;
        serve(
            new DataInputStream(s.getInputStream()),
            new BufferedOutputStream(s.getOutputStream(), CHUNK + 16));
      } catch (IOException e) {
        // the client went away, or close() dropped it: wait for the next one, or end
      } finally {
        current = null;
      }
    }
  }

  private void serve(DataInputStream in, OutputStream out) throws IOException {
    if (!startup(in, out)) {
      return;
    }
    send(out, 'R', new MessageBuilder().int32(3).toBytes()); // cleartext password, please
    out.flush();
    if (in.readUnsignedByte() != 'p') {
      return;
    }
    in.skipNBytes(in.readInt() - 4L);
    send(out, 'R', new MessageBuilder().int32(0).toBytes());
    parameter(out, "server_version", "15.0");
    parameter(out, "server_encoding", "UTF8");
    parameter(out, "client_encoding", "UTF8");
    parameter(out, "DateStyle", "ISO, MDY");
    parameter(out, "integer_datetimes", "on");
    parameter(out, "standard_conforming_strings", "on");
    parameter(out, "TimeZone", "UTC");
    send(out, 'K', new MessageBuilder().int32(1).int32(1).toBytes());
    ready(out);
    while (true) {
      int type = in.readUnsignedByte();
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      if (type != 'Q') {
        return; // Terminate, or a message this peer does not speak: hang up
      }
      String sql = new String(body, 0, Math.max(0, body.length - 1), StandardCharsets.UTF_8);
      if (sql.startsWith("basebackup ")) {
        copyOut(out);
      } else {
        oneRow(out);
      }
      ready(out);
    }
  }

  /** Reads the startup packet, refusing TLS and GSS encryption first; false if none came. */
  private static boolean startup(DataInputStream in, OutputStream out) throws IOException {
    while (true) {
      int len = in.readInt();
      int code = in.readInt();
      in.skipNBytes(len - 8L);
      if (code != SSL_REQUEST && code != GSSENC_REQUEST) {
        return true;
      }
      out.write('N');
      out.flush();
    }
  }

  private void copyOut(OutputStream out) throws IOException {
    send(out, 'H', new MessageBuilder().byte1(0).int16(0).toBytes());
    for (int off = 0; off < archive.length; off += CHUNK) {
      int n = Math.min(CHUNK, archive.length - off);
      header(out, 'd', n);
      out.write(archive, off, n);
    }
    send(out, 'c', new byte[0]);
    send(out, 'C', new MessageBuilder().cstring("COPY 0").toBytes());
  }

  private static void oneRow(OutputStream out) throws IOException {
    send(
        out,
        'T',
        new MessageBuilder()
            .int16(1)
            .cstring("?column?")
            .int32(0)
            .int16(0)
            .int32(25) // text
            .int16(-1)
            .int32(-1)
            .int16(0)
            .toBytes());
    send(
        out,
        'D',
        new MessageBuilder()
            .int16(1)
            .lengthPrefixed("1".getBytes(StandardCharsets.UTF_8))
            .toBytes());
    send(out, 'C', new MessageBuilder().cstring("SELECT 1").toBytes());
  }

  private static void parameter(OutputStream out, String name, String value) throws IOException {
    send(out, 'S', new MessageBuilder().cstring(name).cstring(value).toBytes());
  }

  private static void ready(OutputStream out) throws IOException {
    send(out, 'Z', new byte[] {'I'});
    out.flush();
  }

  private static void send(OutputStream out, char type, byte[] body) throws IOException {
    header(out, type, body.length);
    out.write(body);
  }

  private static void header(OutputStream out, char type, int bodyLength) throws IOException {
    int len = bodyLength + 4;
    out.write(type);
    out.write(len >>> 24);
    out.write(len >>> 16);
    out.write(len >>> 8);
    out.write(len);
  }

  /** Stops listening and drops the connection in progress, without waiting: any thread may. */
  void drop() {
    try {
      listener.close();
      Socket s = current;
      if (s != null) {
        s.close();
      }
    } catch (IOException e) {
      // closing is all that is wanted; the thread ends either way
    }
  }

  /** {@link #drop()}, then waits for the peer's thread to end. */
  @Override
  public void close() {
    drop();
    NamedThreads.joinUninterruptibly(thread);
  }
}
